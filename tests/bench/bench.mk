# SPDX-License-Identifier: GPL-2.0
#
# `make bench` (docs/benchmarks.md), included by tests/tests.mk. Not part of `make check`: it
# measures and reports, it never asserts a timing.
#
#   1. a QEMU VM booted for deterministic timing (-smp 1 -icount shift=0: one guest nanosecond
#      per guest instruction) measures open+close and stat per configuration, interleaved rounds
#      (tests/bench/vm-bench.sh, in tests/vm/init's bench mode);
#   2. natively on this host, the matcher's ns and instructions (callgrind) per decision and the
#      compile time of the policies (match-bench);
#   3. tests/bench/report.sh turns both into $(BENCH_DIR)/report.txt and prints it.
#
# Knobs: BENCH_ROUNDS (5), BENCH_N (open+close per measurement, 20000), BENCH_N_NET (TCP
# connections per measurement, 5000), BENCH_N_STAT (stat per
# measurement, 20000), BENCH_BIG (rules of the big profile, 10000), BENCH_LSM (lsm= of the
# benchmark boot), BENCH_MIX (exact:*:** of the generated rules; default: 60:30:10 when the policy
# language accepts globs, else 60:0:40 with trailing /** only).

BENCH_DIR	:= $(BUILD)/bench
BENCH_ROUNDS	?= 5
BENCH_N		?= 20000
BENCH_N_STAT	?= $(BENCH_N)
BENCH_N_NET	?= 5000
BENCH_BIG	?= 10000
BENCH_LSM	?= lockdown,capability,yama,landlock,apparmor,bpf
BENCH_MIX	?=

BENCH_BINS	:= $(BENCH_DIR)/mg-bench $(BENCH_DIR)/mg-bench-load $(BENCH_DIR)/empty.bpf.o \
		   $(BENCH_DIR)/match-bench

.PHONY: bench bench-bins

bench-bins: $(BENCH_BINS)

# In the VM: static, like the other programs of the initramfs.
$(BENCH_DIR)/mg-bench: tests/bench/mg-bench.c $(LIBMEDGATE)
	@mkdir -p $(dir $@)
	$(CC) $(MEDGATE_USER_CFLAGS) -D_GNU_SOURCE -o $@ $< $(LIBMEDGATE) $(MEDGATE_LDLIBS)

$(BENCH_DIR)/mg-bench-load: tests/bench/mg-bench-load.c user/medgated/hooks.c user/medgated/hooks.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -Wall -Wextra -Werror -std=gnu11 -Iuser/medgated -static -o $@ $< \
		user/medgated/hooks.c -lbpf -lelf -lz

# (a'): one empty program per hook of bpf/medgate.bpf.c, compiled like the real object.
$(BENCH_DIR)/empty.bpf.c: bpf/medgate.bpf.c tests/bench/gen-empty-bpf.sh
	@mkdir -p $(dir $@)
	tests/bench/gen-empty-bpf.sh $< $@

$(BENCH_DIR)/empty.bpf.tmp.o: $(BENCH_DIR)/empty.bpf.c $(VMLINUX_H)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BENCH_DIR)/empty.bpf.o: $(BENCH_DIR)/empty.bpf.tmp.o
	$(BPFTOOL) gen object $@ $<

# On the host: the shared plain-C engine (the unit tests' ENGINE_SRC, less what libmedgate
# already holds) with the policy compiler of libmedgate.
BENCH_ENGINE_SRC := $(filter-out kmod/blob.c,$(ENGINE_SRC))

$(BENCH_DIR)/match-bench: tests/bench/match-bench.c $(BENCH_ENGINE_SRC) $(LIBMEDGATE) \
			  $(wildcard kmod/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(BENCH_ENGINE_SRC) $(LIBMEDGATE) $(MEDGATE_JSON_LIBS) -lm

bench: all bench-bins
	@BUILD=$(BUILD) BENCH_DIR=$(BENCH_DIR) MODULE=$(MODULE) KREL=$(KREL) KIMAGE=$(KIMAGE) \
	 BENCH_ROUNDS=$(BENCH_ROUNDS) BENCH_N=$(BENCH_N) BENCH_N_STAT=$(BENCH_N_STAT) \
	 BENCH_N_NET=$(BENCH_N_NET) \
	 BENCH_BIG=$(BENCH_BIG) BENCH_LSM=$(BENCH_LSM) BENCH_MIX=$(BENCH_MIX) \
	 tests/bench/run-bench.sh
