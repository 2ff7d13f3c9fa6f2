UNIT_TESTS += test_vm_config
test_vm_config_SRCS := $(PORTABLE_VM_CONFIG)
include tests/unit/fixtures/fixtures.mk

# One configuration per mistake (each includes base.dtsi), and the shipped
# configs/*.dts, compiled next to the board fixtures.
VMCONFIG_FIXTURE_DTBS := \
	$(patsubst tests/unit/fixtures/vmconfig/%.dts,$(UNIT_FIXTURE_DIR)/vmconfig/%.dtb,\
		$(wildcard tests/unit/fixtures/vmconfig/*.dts)) \
	$(patsubst configs/%.dts,$(UNIT_FIXTURE_DIR)/configs/%.dtb,$(wildcard configs/*.dts))

$(UNIT_FIXTURE_DIR)/vmconfig/%.dtb: tests/unit/fixtures/vmconfig/%.dts \
		tests/unit/fixtures/vmconfig/base.dtsi
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<

$(UNIT_FIXTURE_DIR)/configs/%.dtb: configs/%.dts
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<

$(HOSTBUILD)/test_vm_config: $(UNIT_FIXTURE_DTBS) $(VMCONFIG_FIXTURE_DTBS)
$(HOSTBUILD)/test_vm_config: HOST_CFLAGS += -DFIXTURE_DIR='"$(CURDIR)/$(UNIT_FIXTURE_DIR)"'
