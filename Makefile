# heiiki - network exposure scanner for hospitals.  Plain make.
#
#   make deps     install every Debian package the build, tests and lab need (root)
#   make          build ./heiiki
#   make test     deps + build + unit tests (plain and ASan/UBSan) + pcap corpus + lab tests
#   make asan     unit tests and pcap corpus under AddressSanitizer + UBSan
#   make fuzz     short libFuzzer runs of every fuzz target
#   make demo     build the demo hospital in network namespaces, scan it, report, tear down
#   make install  PREFIX=/usr/local DESTDIR=
#   make bench    benchmark scripts against the peer tools (slow; not part of test)
#
# Sources are found by wildcard: a new probe or module is a new file, and
# every .c under scanner/ probes/ geoip/ except scanner/main.c goes into
# build/libheiiki.a, which the binary, the unit tests and the fuzz targets
# all link.  Header dependencies are tracked with -MMD -MP.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= cc
CLANG     ?= clang
V         ?= 0
Q         := $(if $(filter 1,$(V)),,@)

PKGS      := libpcap libnet libmaxminddb jansson yaml-0.1 openssl sqlite3
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcap -lnet -lmaxminddb -ljansson -lyaml -lssl -lcrypto -lsqlite3)
# PDF reports: cairo + pango (pkg-config name pangocairo), asked on their own
# because libnet has no .pc file and makes the call above fail.
PKG_CFLAGS += $(shell pkg-config --cflags pangocairo fontconfig)
PKG_LIBS   += $(shell pkg-config --libs pangocairo fontconfig)

WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS    ?= -O2 -g
BASEFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) -I. -DHEIIKI_VERSION='"$(VERSION)"' \
	     -DHEIIKI_DATADIR='"$(PREFIX)/share/heiiki"'
LDLIBS    := $(PKG_LIBS) -lm -lpthread

LIB_SRC   := $(sort $(shell find scanner probes geoip -name '*.c' ! -path scanner/main.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))

B         ?= build
BIN       ?= heiiki
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/%.o)
UNIT_OBJ  := $(UNIT_SRC:%.c=$(B)/%.o)

BA        := $(B)/asan
ASANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
ALIB_OBJ  := $(LIB_SRC:%.c=$(BA)/%.o)
AUNIT_OBJ := $(UNIT_SRC:%.c=$(BA)/%.o)

BF        := $(B)/fuzz
FUZZFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined
FLIB_OBJ  := $(LIB_SRC:%.c=$(BF)/%.o)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BF)/%)

.PHONY: all deps test unit unit-asan asan fuzz fuzz-build lab pcap-corpus valgrind-corpus demo install \
	uninstall clean bench geoip lint

all: $(BIN)

$(BIN): $(B)/scanner/main.o $(B)/libheiiki.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/libheiiki.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@echo '  CC      $<'
	$(Q)$(CC) $(BASEFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

# --- unit tests (criterion) ------------------------------------------------
$(B)/unit-tests: $(UNIT_OBJ) $(B)/libheiiki.a
	$(CC) $(CFLAGS) -o $@ $^ -lcriterion $(LDLIBS)

unit: $(BIN) $(B)/unit-tests
	HEIIKI=$(abspath $(BIN)) HEIIKI_SRCDIR=$(CURDIR) $(B)/unit-tests --jobs 2

# --- the same under AddressSanitizer + UBSan -------------------------------
$(BA)/%.o: %.c
	@mkdir -p $(@D)
	@echo '  CC asan $<'
	$(Q)$(CC) $(BASEFLAGS) $(ASANFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(BA)/libheiiki.a: $(ALIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BA)/heiiki: $(BA)/scanner/main.o $(BA)/libheiiki.a
	$(CC) $(ASANFLAGS) -o $@ $^ $(LDLIBS)

$(BA)/unit-tests: $(AUNIT_OBJ) $(BA)/libheiiki.a
	$(CC) $(ASANFLAGS) -o $@ $^ -lcriterion $(LDLIBS)

unit-asan: $(BA)/unit-tests $(BA)/heiiki
	HEIIKI=$(abspath $(BA)/heiiki) HEIIKI_SRCDIR=$(CURDIR) ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(BA)/unit-tests --jobs 2

# Every capture of the shared corpus through the ASan build of the decoder.
# The corpus lives in ../shared/pcaps (or $$HEIIKI_SHARED/pcaps); where it is
# absent the script says so and exits 77, which is reported, not failed.
pcap-corpus: $(BA)/heiiki
	HEIIKI=$(BA)/heiiki bash tests/pcap/corpus.sh || [ $$? = 77 ]

asan: unit-asan pcap-corpus

# The same corpus through the plain build under valgrind memcheck (invalid
# accesses, uninitialised values, definite/indirect leaks).
valgrind-corpus: $(BIN)
	VALGRIND=1 HEIIKI=$(abspath $(BIN)) bash tests/pcap/corpus.sh || [ $$? = 77 ]

# --- fuzzing (clang + libFuzzer) -------------------------------------------
$(BF)/%.o: %.c
	@mkdir -p $(@D)
	@echo '  CC fuzz $<'
	$(Q)$(CLANG) $(BASEFLAGS) $(FUZZFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(BF)/libheiiki.a: $(FLIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BF)/fuzz_%: tests/fuzz/fuzz_%.c $(BF)/libheiiki.a
	$(CLANG) $(BASEFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
		-o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

FUZZ_SECONDS ?= 20
fuzz: $(FUZZ_BIN)
	bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# --- namespace lab tests (root) --------------------------------------------
lab: $(BIN)
	HEIIKI=$(abspath $(BIN)) bash tests/lab/run.sh

# --- the whole suite ---------------------------------------------------------
test: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) asan
	$(MAKE) valgrind-corpus
	$(MAKE) fuzz FUZZ_SECONDS=5
	$(MAKE) lab

# --- packages ------------------------------------------------------------------
# Build, unit tests, fuzzing, lab services, peer tools for benchmarks.  Services
# are installed with start-up suppressed: the lab starts its own copies inside
# namespaces, never on this machine's own interfaces.
DEB_BUILD := build-essential pkg-config clang libclang-rt-14-dev libfuzzer-14-dev \
	libpcap-dev libnet1-dev libmaxminddb-dev mmdb-bin libjansson-dev libyaml-dev \
	libssl-dev libsqlite3-dev libcriterion-dev ieee-data graphviz sqlite3 \
	libcairo2-dev libpango1.0-dev
DEB_LAB   := iproute2 iputils-ping procps psmisc tcpdump socat openssh-server nftables iptables \
	libmaxmind-db-writer-perl valgrind jq libxml2-utils fonts-noto-cjk python3 \
	poppler-utils
DEB_PROBE := xrdp vsftpd samba tigervnc-standalone-server x11vnc xvfb dcmtk \
	strongswan-charon strongswan-swanctl openvpn snmpd inetutils-telnetd nginx pptpd python3-hl7 \
	openssl
DEB_PEERS := nmap masscan zmap tshark argus-server softflowd hyperfine time \
	ndiff
DEB_ALL   := $(DEB_BUILD) $(DEB_LAB) $(DEB_PROBE) $(DEB_PEERS)

deps:
	@if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (apt-get install)" >&2; exit 1; fi
	bash tests/lab/install-deps.sh $(DEB_ALL)
	@# npm fetches the CC0 GeoIP database; a machine with Node.js from elsewhere has it.
	command -v npm >/dev/null 2>&1 || bash tests/lab/install-deps.sh npm
	$(MAKE) geoip

# CC0 country database from the npm registry into the data directory.
geoip:
	bash geoip/install-data.sh

# --- demo ----------------------------------------------------------------------
demo: deps
	$(MAKE) all
	bash tests/lab/demo.sh

# --- benchmarks (not tests) ---------------------------------------------------
bench: $(BIN)
	bash tests/bench/run-all.sh

# --- install --------------------------------------------------------------------
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/heiiki
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/heiiki
	install -m 0644 docs/heiiki.8 $(DESTDIR)$(PREFIX)/share/man/man8/heiiki.8
	cp -r probes/data $(DESTDIR)$(PREFIX)/share/heiiki/ 2>/dev/null || true
	install -m 0644 docs/example-policy.yaml $(DESTDIR)$(PREFIX)/share/heiiki/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/heiiki $(DESTDIR)$(PREFIX)/share/man/man8/heiiki.8
	rm -rf $(DESTDIR)$(PREFIX)/share/heiiki

lint:
	@! grep -nE '\b(sprintf|strcat|strncpy|sscanf|atoi|strtok|gets)\s*\(' \
		$$(find scanner probes geoip -name '*.[ch]') || \
		{ echo "lint: banned function above" >&2; exit 1; }

clean:
	rm -rf build heiiki demo-out

-include $(shell find $(B) -name '*.d' 2>/dev/null)
