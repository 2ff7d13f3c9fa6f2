# The client library zvmctl and visualzvm share (zvmctl.h): the key file,
# the link to ZVM, one JSON-RPC call with its retries, events.  A tool's
# Makefile sets ROOT, includes this and links $(ZVMCLIENT_SRCS) with the
# protocol codec ($(PORTABLE_RPC) $(PORTABLE_ZERROR) from portable.mk).
ZVMCLIENT_SRCS := $(addprefix $(ROOT)/tools/zvmctl/,zvmctl_client.c zvmctl_serial.c \
	zvmctl_udp.c zvmctl_config.c)
