# The warnings every C file of the project is built with, ZVM, guests, host
# tools and unit tests alike; -Werror keeps them at zero.
WARNINGS := -Wall -Wextra -Werror -Wconversion -Wsign-conversion \
	-Wshadow -Wmissing-prototypes -Wswitch-default
