# libpackr: build, install and check the C library the way C libraries ship.
#
#   make                         cargo build --release (target/release/libpackr.so and .a)
#   make install PREFIX=/usr/local [DESTDIR=...] [LIBDIR=...] [INCLUDEDIR=...]
#                                lib/libpackr.so.X.Y.Z (+ .so.0.Y SONAME and .so links), lib/libpackr.a,
#                                include/packr.h + packr.hpp, lib/pkgconfig/packr.pc,
#                                lib/cmake/packr/packrConfig.cmake + packrConfigVersion.cmake.
#                                The libraries are stripped (.so: --strip-unneeded, 76 MB -> 12 MB;
#                                .a: --strip-debug); the .so carries a .gnu_debuglink to
#                                libpackr.so.X.Y.Z.debug, which install-debug installs.
#   make install-debug ...       install, plus the separate debug info (line tables and symbols) in
#                                $(DEBUGDIR) (default lib/.debug, where gdb, perf and
#                                eu-stack look for a debuglink's file)
#   make install-strip ...       the same as install (kept for scripts written when install did not strip)
#   make uninstall PREFIX=...    removes exactly those files
#   make test-cpp                C++ wrapper tests (include/packr.hpp) against target/release/libpackr.so
#   make test-cpp-asan           the same under ASan + UBSan, with leak detection
#   make test-install            tests/install/run.sh: install into a temporary prefix, build C/C++ consumers
#                                with pkg-config (shared and static) and CMake, run them
#   make docs                    HTML API reference from the header comments (doxygen) in target/docs/html
#   make native-static-libs      prints the system libraries a static link needs (slow: rebuilds the crate)
#
# Users with cargo-c can run `cargo cinstall --prefix=...` instead (see [package.metadata.capi] in Cargo.toml).

CARGO ?= cargo
PREFIX ?= /usr/local
# Absolute, so that a relative PREFIX (make install PREFIX=out) gives a valid .pc file.
override PREFIX := $(abspath $(PREFIX))
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CMAKEDIR ?= $(LIBDIR)/cmake/packr
DEBUGDIR ?= $(LIBDIR)/.debug
DESTDIR ?=
INSTALL ?= install
STRIP ?= strip
OBJCOPY ?= objcopy

ifeq ($(origin CC),default)
CC = cc
endif
ifeq ($(origin CXX),default)
CXX = c++
endif

RELEASE := target/release
GUESTS ?= target/guests/wasm

# Version and SONAME, from Cargo.toml. Before 1.0 any minor release may break the ABI, so the
# SONAME carries major.minor (libpackr.so.0.1; 0.0.z: libpackr.so.0.0.z), as cargo-c does; from
# 1.0 on, the major only.
# build.rs passes the same SONAME to the linker (-Wl,-soname).
VERSION := $(shell sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
VERSION_CORE := $(firstword $(subst -, ,$(subst +, ,$(VERSION))))
VERSION_PARTS := $(subst ., ,$(VERSION_CORE))
VERSION_MAJOR := $(word 1,$(VERSION_PARTS))
VERSION_MINOR := $(word 2,$(VERSION_PARTS))
VERSION_PATCH := $(word 3,$(VERSION_PARTS))
SOVER := $(if $(filter 0,$(VERSION_MAJOR)),$(if $(filter 0,$(VERSION_MINOR)),0.0.$(VERSION_PATCH),0.$(VERSION_MINOR)),$(VERSION_MAJOR))
SONAME := libpackr.so.$(SOVER)
REALNAME := libpackr.so.$(VERSION_CORE)
DESCRIPTION := $(shell sed -n 's/^description *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)

# System libraries the Rust staticlib needs on x86_64/aarch64 Linux (glibc), as printed by
# `make native-static-libs` (cargo rustc --release --lib -- --print native-static-libs).
NATIVE_STATIC_LIBS ?= -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

# pkg-config paths relative to ${prefix} when they are inside it.
PC_LIBDIR = $(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))
PC_INCLUDEDIR = $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))
# CMake: the prefix relative to the config file's directory, and the other paths relative to it.
PREFIX_FROM_CMAKEDIR = $(shell realpath -m --relative-to=$(CMAKEDIR) $(PREFIX))
CMAKE_LIBDIR = $(patsubst $(PREFIX)/%,$${_packr_prefix}/%,$(LIBDIR))
CMAKE_INCLUDEDIR = $(patsubst $(PREFIX)/%,$${_packr_prefix}/%,$(INCLUDEDIR))
empty :=
space := $(empty) $(empty)
CMAKE_STATIC_LIBS = $(subst $(space),;,$(strip $(patsubst -l%,%,$(NATIVE_STATIC_LIBS))))
SIZEOF_VOID_P := $(shell getconf LONG_BIT 2>/dev/null | awk '{print $$1/8}')

SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' \
	-e 's|@LIBDIR@|$(PC_LIBDIR)|g' \
	-e 's|@INCLUDEDIR@|$(PC_INCLUDEDIR)|g' \
	-e 's|@VERSION@|$(VERSION)|g' \
	-e 's|@VERSION_MAJOR@|$(VERSION_MAJOR)|g' \
	-e 's|@VERSION_MINOR@|$(VERSION_MINOR)|g' \
	-e 's|@DESCRIPTION@|$(DESCRIPTION)|g' \
	-e 's|@LIBS_PRIVATE@|$(NATIVE_STATIC_LIBS)|g' \
	-e 's|@PREFIX_FROM_CMAKEDIR@|$(PREFIX_FROM_CMAKEDIR)|g' \
	-e 's|@CMAKE_LIBDIR@|$(CMAKE_LIBDIR)|g' \
	-e 's|@CMAKE_INCLUDEDIR@|$(CMAKE_INCLUDEDIR)|g' \
	-e 's|@CMAKE_STATIC_LIBS@|$(CMAKE_STATIC_LIBS)|g' \
	-e 's|@REALNAME@|$(REALNAME)|g' \
	-e 's|@SONAME@|$(SONAME)|g' \
	-e 's|@SIZEOF_VOID_P@|$(SIZEOF_VOID_P)|g'

# C++ wrapper tests.
CPP_BUILD := target/cpp
CXXWARN := -std=c++17 -Wall -Wextra -Wpedantic -Werror
CXXOPT ?= -O1 -g
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LINK_SO = -L$(abspath $(RELEASE)) -Wl,-rpath,$(abspath $(RELEASE)) -lpackr -pthread
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: all build install install-strip install-debug uninstall test-cpp test-cpp-asan test-install docs native-static-libs guests \
	print-version clean-cpp
.DELETE_ON_ERROR:

all: build

build:
	$(CARGO) build --release

print-version:
	@echo "version $(VERSION), SONAME $(SONAME), file $(REALNAME)"

# The stripped library and its debug file are made from one snapshot of the build (STAGE), so the
# debuglink's CRC matches even if target/release/libpackr.so is rebuilt meanwhile.
STAGE := target/install-stage

install: build
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(CMAKEDIR) $(STAGE)
	cp $(RELEASE)/libpackr.so $(STAGE)/$(REALNAME).full
	$(OBJCOPY) --only-keep-debug $(STAGE)/$(REALNAME).full $(STAGE)/$(REALNAME).debug
	$(STRIP) --strip-unneeded -o $(STAGE)/$(REALNAME) $(STAGE)/$(REALNAME).full
	cd $(STAGE) && $(OBJCOPY) --add-gnu-debuglink=$(REALNAME).debug $(REALNAME)
	rm -f $(STAGE)/$(REALNAME).full
	$(INSTALL) -m 755 $(STAGE)/$(REALNAME) $(DESTDIR)$(LIBDIR)/$(REALNAME)
	ln -sfn $(REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sfn $(SONAME) $(DESTDIR)$(LIBDIR)/libpackr.so
	$(INSTALL) -m 644 $(RELEASE)/libpackr.a $(DESTDIR)$(LIBDIR)/libpackr.a
	$(STRIP) --strip-debug $(DESTDIR)$(LIBDIR)/libpackr.a
	$(INSTALL) -m 644 include/packr.h include/packr.hpp $(DESTDIR)$(INCLUDEDIR)/
	$(SUBST) packaging/packr.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/packr.pc
	$(SUBST) packaging/packrConfig.cmake.in > $(DESTDIR)$(CMAKEDIR)/packrConfig.cmake
	$(SUBST) packaging/packrConfigVersion.cmake.in > $(DESTDIR)$(CMAKEDIR)/packrConfigVersion.cmake
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/packr.pc $(DESTDIR)$(CMAKEDIR)/packrConfig.cmake \
		$(DESTDIR)$(CMAKEDIR)/packrConfigVersion.cmake

install-strip: install

install-debug: install
	$(INSTALL) -d $(DESTDIR)$(DEBUGDIR)
	$(INSTALL) -m 644 $(STAGE)/$(REALNAME).debug $(DESTDIR)$(DEBUGDIR)/$(REALNAME).debug

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/$(REALNAME) $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libpackr.so \
		$(DESTDIR)$(LIBDIR)/libpackr.a $(DESTDIR)$(INCLUDEDIR)/packr.h $(DESTDIR)$(INCLUDEDIR)/packr.hpp \
		$(DESTDIR)$(PKGCONFIGDIR)/packr.pc $(DESTDIR)$(CMAKEDIR)/packrConfig.cmake \
		$(DESTDIR)$(CMAKEDIR)/packrConfigVersion.cmake $(DESTDIR)$(DEBUGDIR)/$(REALNAME).debug
	-rmdir $(DESTDIR)$(CMAKEDIR) $(DESTDIR)$(DEBUGDIR) 2>/dev/null || true

# The exact list for this toolchain and dependency set. Rebuilds the crate once with an extra
# rustc flag (and the next `make` rebuilds it back), so it is not part of install.
native-static-libs:
	$(CARGO) rustc --release --lib -- --print native-static-libs 2>&1 | sed -n 's/.*native-static-libs: //p' | tail -n 1

guests: $(GUESTS)/doubler.wasm

$(GUESTS)/doubler.wasm:
	tests/guests/build.sh

$(CPP_BUILD):
	mkdir -p $@

CPP_TESTS = tests/cpp/test_cpp.cpp tests/cpp/test_cpp_generations.cpp tests/cpp/test_cpp_async.cpp

$(CPP_BUILD)/test_cpp: $(CPP_TESTS) tests/cpp/check.hpp include/packr.hpp include/packr.h $(RELEASE)/libpackr.so | $(CPP_BUILD)
	$(CXX) $(CXXWARN) $(CXXOPT) -Iinclude $(CPP_TESTS) -o $@ $(LINK_SO)

$(CPP_BUILD)/test_cpp_asan: $(CPP_TESTS) tests/cpp/check.hpp include/packr.hpp include/packr.h $(RELEASE)/libpackr.so | $(CPP_BUILD)
	$(CXX) $(CXXWARN) $(SANITIZE) -O1 -g -Iinclude $(CPP_TESTS) -o $@ $(LINK_SO)

test-cpp: build guests
	$(MAKE) --no-print-directory $(CPP_BUILD)/test_cpp
	$(CPP_BUILD)/test_cpp $(GUESTS)

test-cpp-asan: build guests
	$(MAKE) --no-print-directory $(CPP_BUILD)/test_cpp_asan
	@nm $(CPP_BUILD)/test_cpp_asan | grep -q __asan_init || { echo "error: not instrumented with ASan"; exit 1; }
	$(ASAN_ENV) $(CPP_BUILD)/test_cpp_asan $(GUESTS)

test-install:
	tests/install/run.sh

docs:
	@command -v doxygen >/dev/null 2>&1 || { \
	  echo "doxygen not found; installing it with apt-get"; \
	  apt-get install -y doxygen || { apt-get update && apt-get install -y doxygen; }; }
	mkdir -p target/docs
	PACKR_VERSION=$(VERSION) doxygen packaging/Doxyfile
	@echo "API reference: $(abspath target/docs/html/index.html)"

clean-cpp:
	rm -rf $(CPP_BUILD)
