# heiiki - network exposure scanner for hospitals.  Plain make.
#
#   make deps     install every Debian package the build, tests and lab need (root)
#   make deps-build  only what building and running heiiki needs (a hospital machine)
#   make          build ./heiiki
#   make test     deps + build + unit tests (plain and ASan/UBSan) + pcap corpus + lab tests
#   make asan     unit tests and pcap corpus under AddressSanitizer + UBSan
#   make fuzz     short libFuzzer runs of every fuzz target
#   make demo     build the demo hospital in network namespaces, scan it, report, tear down
#   make install  PREFIX=/usr/local DESTDIR=  (binary, man page, /etc/heiiki, units)
#   make deb      Debian package build/heiiki_VERSION-1_ARCH.deb of the same
#   make bench    benchmark scripts against the peer tools (slow; not part of test)
#
# Sources are found by wildcard: a new probe or module is a new file, and
# every .c under scanner/ probes/ geoip/ except scanner/main.c goes into
# build/libheiiki.a, which the binary, the unit tests and the fuzz targets
# all link.  Header dependencies are tracked with -MMD -MP.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
SYSCONFDIR    ?= /etc
LOCALSTATEDIR ?= /var
UNITDIR       ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR   ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR   ?= $(PREFIX)/lib/tmpfiles.d
DOCDIR        ?= $(PREFIX)/share/doc/heiiki
CC        ?= cc
CLANG     ?= clang
V         ?= 0
Q         := $(if $(filter 1,$(V)),,@)

PKGS      := libpcap libnet libmaxminddb jansson yaml-0.1 openssl sqlite3 libbson-1.0
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
CORE_LIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcap -lnet -lmaxminddb -ljansson -lyaml -lssl -lcrypto -lsqlite3 -lbson-1.0)
# PDF reports: cairo + pango (pkg-config name pangocairo), asked on their own
# because libnet has no .pc file and makes the call above fail.
PKG_CFLAGS += $(shell pkg-config --cflags pangocairo fontconfig)
PDF_LIBS   = $(shell pkg-config --libs pangocairo fontconfig)
# libpq's headers are outside /usr/include (Debian: /usr/include/postgresql):
# asked on their own too, with the Debian path when pkg-config has no libpq.pc.
PKG_CFLAGS += $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
PG_LIBS    = $(shell pkg-config --libs libpq 2>/dev/null || echo -lpq)
PKG_LIBS   = $(CORE_LIBS) $(PDF_LIBS) $(PG_LIBS)
# libbson (MongoDB replies, probes/probe_mongodb.c) likewise: its headers are
# in /usr/include/libbson-1.0.
PKG_CFLAGS += $(shell pkg-config --cflags libbson-1.0 2>/dev/null || echo -I/usr/include/libbson-1.0)

WARN      := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS    ?= -O2 -g
BASEFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) -I. -DHEIIKI_VERSION='"$(VERSION)"' \
	     -DHEIIKI_DATADIR='"$(PREFIX)/share/heiiki"'
SYS_LIBS  := -lcsv -lresolv -lm -lpthread
LDLIBS    := $(PKG_LIBS) $(SYS_LIBS)

# Modules (scanner/core/module.h): the PDF writer and the PostgreSQL back
# end are shared objects the binary loads on first use, so no other
# command maps their ~55 libraries.  Tests, ASan and fuzz builds link the
# same objects in directly (LDLIBS has every library).
MOD_PDF   := scanner/report/out_pdf.c
MOD_PG    := scanner/report/history_pg.c
MOD_ABI   := scanner/core/module_abi.c
MOD_SRC   := $(MOD_PDF) $(MOD_PG)
MODS       = $(B)/lib/heiiki-pdf.so $(B)/lib/heiiki-pg.so
# a module and the binary must come from the same headers of the tables:
# those scanner/core/module_abi.h includes (and it itself)
MODULE_ABI_H := scanner/core/module_abi.h
MODULE_ABI := $(VERSION)-$(shell cat $(MODULE_ABI_H) $$(sed -n 's/^\#include "\(.*\)"/\1/p' \
	$(MODULE_ABI_H)) 2>/dev/null | cksum | cut -d' ' -f1)
# where the binary finds its modules in the build tree, relative to itself
MODULE_DIR_REL = $(shell realpath -m --relative-to=$(dir $(abspath $(BIN))) $(abspath $(B))/lib)

LIB_SRC   := $(sort $(filter-out $(MOD_SRC) $(MOD_ABI), \
	$(shell find scanner probes geoip -name '*.c' ! -path scanner/main.c)))
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))

B         ?= build
BIN       ?= heiiki
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/%.o)
MOD_OBJ   := $(MOD_SRC:%.c=$(B)/%.o)
UNIT_OBJ  := $(UNIT_SRC:%.c=$(B)/%.o)

BA        := $(B)/asan
ASANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
ALIB_OBJ  := $(LIB_SRC:%.c=$(BA)/%.o)
AMOD_OBJ  := $(MOD_SRC:%.c=$(BA)/%.o)
AUNIT_OBJ := $(UNIT_SRC:%.c=$(BA)/%.o)

BF        := $(B)/fuzz
FUZZFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined
FLIB_OBJ  := $(LIB_SRC:%.c=$(BF)/%.o)
FMOD_OBJ  := $(MOD_SRC:%.c=$(BF)/%.o)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BF)/%)

.PHONY: all deps test unit unit-asan asan fuzz fuzz-build lab pcap-corpus valgrind-corpus demo install \
	uninstall clean bench geoip lint install-files install-state install-system deb deps-build

all: $(BIN) $(MODS)

# The whole library goes in (a module may call what the binary does not),
# and the binary exports what the modules call: build/modules.sym.
$(BIN): $(B)/scanner/main.o $(B)/libheiiki.a $(B)/modules.sym | $(MODS)
	$(CC) $(CFLAGS) -Wl,--dynamic-list=$(B)/modules.sym -o $@ $(B)/scanner/main.o \
		-Wl,--whole-archive $(B)/libheiiki.a -Wl,--no-whole-archive $(CORE_LIBS) $(SYS_LIBS)

$(B)/libheiiki.a: $(LIB_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(@D)
	@echo '  CC      $<'
	$(Q)$(CC) $(BASEFLAGS) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/scanner/core/module.o: BASEFLAGS += -DMODULE_DIR_REL='"$(MODULE_DIR_REL)"' \
	-DHEIIKI_MODULE_ABI='"$(MODULE_ABI)"'

# --- modules -----------------------------------------------------------------
$(B)/pic/%.o: %.c
	@mkdir -p $(@D)
	@echo '  CC pic  $<'
	$(Q)$(CC) $(BASEFLAGS) $(CFLAGS) -fPIC -DHEIIKI_MODULE_ABI='"$(MODULE_ABI)"' \
		$(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(B)/lib/heiiki-pdf.so: $(B)/pic/$(MOD_PDF:.c=.o) $(B)/pic/$(MOD_ABI:.c=.o)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -shared -o $@ $^ $(PDF_LIBS)

$(B)/lib/heiiki-pg.so: $(B)/pic/$(MOD_PG:.c=.o) $(B)/pic/$(MOD_ABI:.c=.o)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -shared -o $@ $^ $(PG_LIBS)

# every symbol the modules leave undefined (libraries' too: the list only
# exports what the binary defines)
$(B)/modules.sym: $(MODS)
	$(Q){ echo '{'; nm -D --undefined-only --format=just-symbols $(MODS) | \
		sed 's/@.*//' | LC_ALL=C sort -u | sed 's/.*/  &;/'; echo '};'; } > $@

# --- unit tests (criterion) ------------------------------------------------
$(B)/unit-tests: $(UNIT_OBJ) $(MOD_OBJ) $(B)/libheiiki.a
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

$(BA)/heiiki: $(BA)/scanner/main.o $(AMOD_OBJ) $(BA)/libheiiki.a
	$(CC) $(ASANFLAGS) -o $@ $^ $(LDLIBS)

$(BA)/unit-tests: $(AUNIT_OBJ) $(AMOD_OBJ) $(BA)/libheiiki.a
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

$(BF)/fuzz_%: tests/fuzz/fuzz_%.c $(FMOD_OBJ) $(BF)/libheiiki.a
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
	libssl-dev libsqlite3-dev libcriterion-dev libcsv-dev ieee-data graphviz sqlite3 \
	dpkg-dev libcairo2-dev libpango1.0-dev libpq-dev libbson-dev
DEB_LAB   := iproute2 iputils-ping procps psmisc tcpdump socat openssh-server nftables iptables \
	libmaxmind-db-writer-perl valgrind jq libxml2-utils fonts-noto-cjk python3 \
	systemd libreoffice-calc-nogui poppler-utils chromium strace nfdump
DEB_PROBE := xrdp vsftpd samba tigervnc-standalone-server x11vnc xvfb dcmtk \
	strongswan-charon strongswan-swanctl openvpn snmpd inetutils-telnetd nginx pptpd python3-hl7 \
	openssl \
	mosquitto tftpd-hpa zabbix-agent erlang-base kamailio minidlna avahi-daemon openipmi \
	rabbitmq-server cups orthanc
# probes of test_probes_c.sh / bench_idents.sh (real daemons, started only inside lab namespaces)
DEB_PROBE += redis-server memcached mariadb-server postgresql unbound chrony dovecot-imapd \
	dovecot-pop3d slapd ldap-utils rpcbind krb5-kdc squid
# product rules and test_probes_e.sh (issue 13); exim4-daemon-light conflicts
# with postfix, so tests/probes/record_e.sh takes Exim from an unpacked .deb
DEB_PROBE += postfix apache2
DEB_PEERS := nmap masscan zmap tshark argus-server softflowd hyperfine time \
	ndiff
DEB_ALL   := $(DEB_BUILD) $(DEB_LAB) $(DEB_PROBE) $(DEB_PEERS)
# Building and running heiiki only (README quick start): no test tools, no lab services.
DEB_MIN   := build-essential pkg-config libpcap-dev libnet1-dev libmaxminddb-dev \
	libjansson-dev libyaml-dev libssl-dev libsqlite3-dev libcsv-dev graphviz libpq-dev \
	libbson-dev libcairo2-dev libpango1.0-dev fonts-noto-cjk

deps:
	@if [ "$$(id -u)" != 0 ]; then echo "make deps: run as root (apt-get install)" >&2; exit 1; fi
	bash tests/lab/install-deps.sh $(DEB_ALL)
	@# npm fetches the CC0 GeoIP database; a machine with Node.js from elsewhere has it.
	command -v npm >/dev/null 2>&1 || bash tests/lab/install-deps.sh npm
	$(MAKE) geoip

deps-build:
	@if [ "$$(id -u)" != 0 ]; then echo "make deps-build: run as root (apt-get install)" >&2; exit 1; fi
	bash tests/lab/install-deps.sh $(DEB_MIN)

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
# make install: the binary and its modules (PREFIX/lib/heiiki), man page, docs,
# /etc/heiiki (0750) with the example
# policy (never overwritten), the state directory, the systemd units and
# the sysusers.d/tmpfiles.d entries.  With DESTDIR= empty and as root it also
# creates the heiiki user, gives its group /etc/heiiki and creates the state
# directory with its owners (systemd-sysusers, systemd-tmpfiles).
DIST_SUBST = sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	-e 's|@LOCALSTATEDIR@|$(LOCALSTATEDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g'
DIST_UNITS := heiiki-night.service heiiki-night.timer heiiki-capture@.service

install: install-system

# in this order, also under make -j
install-state: install-files
install-system: install-state

install-files: $(BIN) $(MODS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/heiiki \
		$(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/heiiki $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/heiiki
	install -m 0644 $(MODS) $(DESTDIR)$(PREFIX)/lib/heiiki/
	install -m 0644 docs/heiiki.8 $(DESTDIR)$(PREFIX)/share/man/man8/heiiki.8
	if [ -d probes/data ]; then cp -r probes/data $(DESTDIR)$(PREFIX)/share/heiiki/; fi
	install -m 0644 docs/example-policy.yaml $(DESTDIR)$(PREFIX)/share/heiiki/
	install -D -m 0644 scanner/inventory/data/support-end.yaml \
		$(DESTDIR)$(PREFIX)/share/heiiki/data/support-end.yaml
	install -m 0644 README.md docs/user-guide.md docs/policy.md docs/geoip.md \
		docs/capture.md docs/example-policy.yaml $(DESTDIR)$(DOCDIR)/
	for u in $(DIST_UNITS); do \
		$(DIST_SUBST) dist/systemd/$$u > $(DESTDIR)$(UNITDIR)/$$u && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	$(DIST_SUBST) dist/sysusers.d/heiiki.conf > $(DESTDIR)$(SYSUSERSDIR)/heiiki.conf
	$(DIST_SUBST) dist/tmpfiles.d/heiiki.conf > $(DESTDIR)$(TMPFILESDIR)/heiiki.conf
	chmod 0644 $(DESTDIR)$(SYSUSERSDIR)/heiiki.conf $(DESTDIR)$(TMPFILESDIR)/heiiki.conf
	install -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/heiiki
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/heiiki/policy.yaml ]; then \
		echo "install: kept the existing $(SYSCONFDIR)/heiiki/policy.yaml"; \
	else install -m 0640 docs/example-policy.yaml $(DESTDIR)$(SYSCONFDIR)/heiiki/policy.yaml; fi

install-state:
	install -d -m 0750 $(DESTDIR)$(LOCALSTATEDIR)/lib/heiiki \
		$(DESTDIR)$(LOCALSTATEDIR)/lib/heiiki/runs $(DESTDIR)$(LOCALSTATEDIR)/lib/heiiki/capture
	install -d -m 0755 $(DESTDIR)$(LOCALSTATEDIR)/lib/heiiki/geoip

install-system:
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
		if command -v systemd-sysusers >/dev/null; then \
			systemd-sysusers $(SYSUSERSDIR)/heiiki.conf; \
		elif ! getent passwd heiiki >/dev/null; then \
			useradd --system --user-group --home-dir $(LOCALSTATEDIR)/lib/heiiki \
				--no-create-home --shell /usr/sbin/nologin heiiki; fi; \
		chgrp heiiki $(SYSCONFDIR)/heiiki $(SYSCONFDIR)/heiiki/policy.yaml; \
		if command -v systemd-tmpfiles >/dev/null; then \
			systemd-tmpfiles --create $(TMPFILESDIR)/heiiki.conf; \
		else chown heiiki:heiiki $(LOCALSTATEDIR)/lib/heiiki \
			$(LOCALSTATEDIR)/lib/heiiki/runs $(LOCALSTATEDIR)/lib/heiiki/capture; fi; \
		if [ -d /run/systemd/system ]; then systemctl daemon-reload; fi; \
		echo "install: edit $(SYSCONFDIR)/heiiki/policy.yaml, then: systemctl enable --now heiiki-night.timer"; \
	elif [ -z "$(DESTDIR)" ]; then \
		echo "install: not root: the heiiki user and the owners of $(SYSCONFDIR)/heiiki and" \
			"$(LOCALSTATEDIR)/lib/heiiki were not set (run 'make install-system' as root)"; \
	fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/heiiki $(DESTDIR)$(PREFIX)/share/man/man8/heiiki.8
	rm -rf $(DESTDIR)$(PREFIX)/lib/heiiki
	rm -rf $(DESTDIR)$(PREFIX)/share/heiiki $(DESTDIR)$(DOCDIR)
	for u in $(DIST_UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$u; done
	rm -f $(DESTDIR)$(SYSUSERSDIR)/heiiki.conf $(DESTDIR)$(TMPFILESDIR)/heiiki.conf
	@echo "uninstall: kept $(SYSCONFDIR)/heiiki (your policy), $(LOCALSTATEDIR)/lib/heiiki (results, history) and the heiiki user"

# --- Debian package ---------------------------------------------------------------
# The same tree as 'make install PREFIX=/usr', built in $(B)/deb (the data
# directory is compiled in), staged in $(B)/deb/root, packaged by
# dist/debian/build-deb.sh.  State directories come from tmpfiles.d in postinst.
DEB_VERSION := $(VERSION)-1
DEB_FILE     = $(B)/heiiki_$(DEB_VERSION)_$(shell dpkg --print-architecture 2>/dev/null || echo amd64).deb

deb:
	$(MAKE) B=$(B)/deb BIN=$(B)/deb/heiiki PREFIX=/usr $(B)/deb/heiiki
	rm -rf $(B)/deb/root
	$(MAKE) B=$(B)/deb BIN=$(B)/deb/heiiki PREFIX=/usr DESTDIR=$(abspath $(B)/deb/root) install-files
	bash dist/debian/build-deb.sh $(B)/deb/root $(DEB_VERSION) $(DEB_FILE)

lint:
	@! grep -nE '\b(sprintf|strcat|strncpy|sscanf|atoi|strtok|gets)\s*\(' \
		$$(find scanner probes geoip -name '*.[ch]') || \
		{ echo "lint: banned function above" >&2; exit 1; }

clean:
	rm -rf build heiiki demo-out

-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)
