#!/usr/bin/env bash
# Installs libpackr into a temporary prefix (make install PREFIX=...), then builds and runs
# consumers the ways C libraries are consumed:
#   - pkg-config, shared:  cc example.c $(pkg-config --cflags --libs packr)
#   - pkg-config, static:  pkg-config --static (Libs.private), linking libpackr.a; checks that the
#                          binary does not need libpackr.so
#   - CMake:               find_package(packr) + packr::packr (C and C++17 via packr.hpp) and
#                          packr::packr_static; version compatibility; a relocated prefix
# With the guests built (tests/guests/build.sh), examples-c/wiring.c runs too, shared and static,
# its output compared with examples-c/wiring.expected. Also checks the SONAME and symlinks,
# a DESTDIR staged install, and make uninstall.
#
# Usage: tests/install/run.sh      (from anywhere; installs cmake and pkg-config with apt-get if
#                                   missing). Ends with "N passed, M failed"; exits 1 on failure.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/tests/install"
cd "$ROOT" || exit 1
CC="${CC:-cc}"
CXX="${CXX:-c++}"
GUESTS="${PACKR_GUESTS:-$ROOT/target/guests/wasm}"

passed=0
failed=0
ok() { echo "ok   - $1"; passed=$((passed + 1)); }
fail() { echo "FAIL - $1"; failed=$((failed + 1)); }
# check NAME COMMAND...: runs the command, output to the log; counts the result.
check() {
  local name="$1"
  shift
  if "$@" >"$tmp/log" 2>&1; then
    ok "$name"
  else
    fail "$name"
    sed 's/^/     | /' "$tmp/log" | tail -n 40
  fi
}

need_tools() {
  local missing=()
  command -v cmake >/dev/null 2>&1 || missing+=(cmake)
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  command -v readelf >/dev/null 2>&1 || missing+=(binutils)
  command -v "$CC" >/dev/null 2>&1 || missing+=(gcc)
  command -v "$CXX" >/dev/null 2>&1 || missing+=(g++)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} with apt-get"
    apt-get install -y "${missing[@]}" >/dev/null 2>&1 ||
      { apt-get update >/dev/null 2>&1 && apt-get install -y "${missing[@]}" >/dev/null; } ||
      { echo "run.sh: could not install ${missing[*]}"; exit 1; }
  fi
}
need_tools

tmp="$(mktemp -d "${TMPDIR:-/tmp}/packr-install-test.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"

version="$(make -s --no-print-directory print-version | sed -n 's/^version \([^,]*\),.*/\1/p')"
soname="$(make -s --no-print-directory print-version | sed -n 's/.*SONAME \([^,]*\),.*/\1/p')"
realname="libpackr.so.${version%%[-+]*}"
echo "libpackr $version: SONAME $soname, installed as $realname; prefix $prefix"

# --- install ---------------------------------------------------------------------------------
if make -s install PREFIX="$prefix" >"$tmp/install.log" 2>&1; then
  ok "make install PREFIX=$prefix"
else
  fail "make install PREFIX=$prefix"
  tail -n 40 "$tmp/install.log"
  echo "$passed passed, $failed failed"
  exit 1
fi

layout() {
  local lib="$prefix/lib" f
  for f in "$lib/$realname" "$lib/libpackr.a" "$prefix/include/packr.h" "$prefix/include/packr.hpp" \
    "$lib/pkgconfig/packr.pc" "$lib/cmake/packr/packrConfig.cmake" "$lib/cmake/packr/packrConfigVersion.cmake"; do
    [ -f "$f" ] && [ ! -L "$f" ] || { echo "missing or not a regular file: $f"; return 1; }
  done
  [ "$(readlink "$lib/$soname")" = "$realname" ] || { echo "$soname does not point at $realname"; return 1; }
  [ "$(readlink "$lib/libpackr.so")" = "$soname" ] || { echo "libpackr.so does not point at $soname"; return 1; }
  cmp -s include/packr.h "$prefix/include/packr.h" || { echo "installed packr.h differs"; return 1; }
  ls -l "$lib"
}
check "layout: $realname, $soname -> $realname, libpackr.so -> $soname, libpackr.a, headers, .pc, CMake files" layout

soname_check() {
  readelf -d "$prefix/lib/$realname" | grep SONAME
  readelf -d "$prefix/lib/$realname" | grep -q "Library soname: \[$soname\]"
}
check "readelf -d: SONAME is $soname" soname_check

# The installed .so is stripped (no debug sections, no .symtab) but keeps its exports and a
# .gnu_debuglink naming $realname.debug, which make install-debug installs in lib/.debug with the
# matching CRC; the installed .a has no debug sections either.
stripped_check() {
  local so="$prefix/lib/$realname"
  ls -l "$so" "$prefix/lib/libpackr.a" "$ROOT/target/release/libpackr.so"
  readelf -S --wide "$so" | grep -E '\.debug_|\.symtab' && { echo "$so has debug sections or .symtab"; return 1; }
  local exports
  exports="$(nm -D --defined-only "$so")"
  grep -q " T packr_package_precompile$" <<<"$exports" || { echo "exports missing"; return 1; }
  readelf --string-dump=.gnu_debuglink "$so" | grep -q "$realname.debug" || { echo "no debuglink"; return 1; }
  local sections
  sections="$(readelf -S --wide "$prefix/lib/libpackr.a")"
  grep -q '\.debug_info' <<<"$sections" && { echo "libpackr.a has debug info"; return 1; }
  [ "$(stat -c %s "$so")" -lt "$(( $(stat -c %s "$ROOT/target/release/libpackr.so") / 3 ))" ] || { echo "not much smaller"; return 1; }
  true
}
check "installed libpackr.so is stripped (no .debug_*, no .symtab), has a .gnu_debuglink; libpackr.a has no debug info" stripped_check

debug_check() {
  local dbg="$prefix/lib/.debug/$realname.debug"
  make -s install-debug PREFIX="$prefix" &&
    [ -f "$dbg" ] &&
    local sections &&
    sections="$(readelf -S --wide "$dbg")" &&
    grep -q '\.debug_line' <<<"$sections" &&
    grep -q '\.symtab' <<<"$sections" &&
    python3 - "$prefix/lib/$realname" "$dbg" <<'PY'
import subprocess, sys, zlib
so, dbg = sys.argv[1], sys.argv[2]
link = subprocess.run(["objcopy", "--dump-section", ".gnu_debuglink=/dev/stdout", so, "/dev/null"],
                      capture_output=True, check=True).stdout
crc = int.from_bytes(link[-4:], "little")
want = zlib.crc32(open(dbg, "rb").read()) & 0xffffffff
name = link.split(b"\0")[0].decode()
print(f"debuglink {name} crc {crc:08x}, file crc {want:08x}")
sys.exit(0 if crc == want else 1)
PY
}
check "make install-debug: lib/.debug/$realname.debug has line tables and symbols, and matches the debuglink CRC" debug_check

# --- pkg-config --------------------------------------------------------------------------------
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
pc_check() {
  cat "$prefix/lib/pkgconfig/packr.pc"
  [ "$(pkg-config --modversion packr)" = "$version" ] &&
    pkg-config --cflags packr | grep -q -- "-I$prefix/include" &&
    pkg-config --libs packr | grep -q -- "-L$prefix/lib -lpackr" &&
    pkg-config --static --libs packr | grep -q -- "-lpthread" &&
    pkg-config --atleast-version="$version" packr
}
check "pkg-config: version, Cflags, Libs, Libs.private" pc_check

expected_line="libpackr $version: point{x: 1s32, y: 2s32}"
run_example() { # BINARY: runs it, checks its one line of output
  local out
  out="$("$1")" || { echo "$1 exited non-zero"; return 1; }
  echo "$out"
  case "$out" in "$expected_line ("*) return 0 ;; *) echo "unexpected output"; return 1 ;; esac
}
needs_packr_so() { readelf -d "$1" | grep NEEDED | grep -q "libpackr"; }

pc_shared() {
  # shellcheck disable=SC2046
  $CC -std=c11 -Wall -Wextra -Werror "$HERE/example.c" -o "$tmp/pc_shared" \
    $(pkg-config --cflags --libs packr) -Wl,-rpath,"$prefix/lib" &&
    readelf -d "$tmp/pc_shared" | grep NEEDED &&
    readelf -d "$tmp/pc_shared" | grep -q "Shared library: \[$soname\]" &&
    run_example "$tmp/pc_shared"
}
check "pkg-config shared: builds, NEEDED $soname, runs" pc_shared

# With libpackr.so next to libpackr.a the linker takes the .so for -lpackr, so the static link
# names the archive (-l:libpackr.a) and takes everything else from pkg-config --static.
static_libs() { pkg-config --static --libs packr | sed 's/-lpackr\b/-l:libpackr.a/'; }
pc_static() {
  # shellcheck disable=SC2046
  $CC -std=c11 -Wall -Wextra -Werror "$HERE/example.c" -o "$tmp/pc_static" \
    $(pkg-config --static --cflags packr) $(static_libs) &&
    ! needs_packr_so "$tmp/pc_static" &&
    ! ldd "$tmp/pc_static" | grep libpackr &&
    ldd "$tmp/pc_static" &&
    run_example "$tmp/pc_static"
}
check "pkg-config --static: links libpackr.a, ldd shows no libpackr.so, runs" pc_static

if [ -f "$GUESTS/adder.wasm" ] && [ -f "$GUESTS/doubler.wasm" ]; then
  wiring() { # shared|static
    local libs
    if [ "$1" = shared ]; then libs="$(pkg-config --libs packr) -Wl,-rpath,$prefix/lib"; else libs="$(static_libs)"; fi
    # shellcheck disable=SC2086
    $CC -std=c11 -Wall -Wextra -Werror examples-c/wiring.c -o "$tmp/wiring_$1" $(pkg-config --cflags packr) $libs &&
      { [ "$1" = shared ] || ! needs_packr_so "$tmp/wiring_$1"; } &&
      "$tmp/wiring_$1" "$GUESTS" >"$tmp/wiring_$1.out" &&
      diff -u examples-c/wiring.expected "$tmp/wiring_$1.out"
  }
  check "pkg-config shared: examples-c/wiring.c against the guests, output as expected" wiring shared
  check "pkg-config --static: examples-c/wiring.c against the guests, output as expected" wiring static
else
  echo "skip - examples-c/wiring.c (no guests in $GUESTS; run tests/guests/build.sh)"
fi
unset PKG_CONFIG_PATH

# --- CMake ---------------------------------------------------------------------------------------
cmake_build() { # BUILD_DIR PREFIX [extra cmake args]
  local dir="$1" pfx="$2"
  shift 2
  cmake -S "$HERE/cmake" -B "$dir" -DCMAKE_PREFIX_PATH="$pfx" -DCMAKE_BUILD_TYPE=Release "$@" &&
    cmake --build "$dir" -j 2
}
cmake_shared() {
  local extra=()
  [ -f "$GUESTS/adder.wasm" ] && extra=(-DPACKR_EXAMPLES_C="$ROOT/examples-c")
  cmake_build "$tmp/cmake" "$prefix" -DPACKR_WANT="${version%%[-+]*}" "${extra[@]}" &&
    readelf -d "$tmp/cmake/example_c" | grep -q "Shared library: \[$soname\]" &&
    run_example "$tmp/cmake/example_c" &&
    run_example "$tmp/cmake/example_cpp"
}
check "CMake: find_package(packr $version) + packr::packr, C and C++17 (packr.hpp), run" cmake_shared
cmake_static() {
  ! needs_packr_so "$tmp/cmake/example_static" && run_example "$tmp/cmake/example_static" &&
    if [ -x "$tmp/cmake/wiring_static" ]; then
      ! needs_packr_so "$tmp/cmake/wiring_static" &&
        "$tmp/cmake/wiring_static" "$GUESTS" >"$tmp/wiring_cmake.out" &&
        diff -u examples-c/wiring.expected "$tmp/wiring_cmake.out"
    fi
}
check "CMake: packr::packr_static links libpackr.a (no libpackr.so needed), runs" cmake_static

major="${version%%.*}"
rest="${version#*.}"
minor="${rest%%.*}"
next_minor="$major.$((minor + 1))"
cmake_version_refused() {
  ! cmake_build "$tmp/cmake-too-new" "$prefix" -DPACKR_WANT="$next_minor" &&
    ! cmake_build "$tmp/cmake-next-major" "$prefix" -DPACKR_WANT="$((major + 1)).0"
}
check "CMake: find_package(packr $next_minor) and ($((major + 1)).0) are refused" cmake_version_refused

relocated() {
  cp -a "$prefix" "$tmp/moved" &&
    cmake_build "$tmp/cmake-moved" "$tmp/moved" &&
    grep -q "$tmp/moved/lib" "$tmp/cmake-moved/CMakeCache.txt" &&
    run_example "$tmp/cmake-moved/example_c" &&
    ldd "$tmp/cmake-moved/example_c" | grep "$tmp/moved/lib/$soname"
}
check "CMake: the installed tree is relocatable (copied prefix)" relocated

# --- staged install and uninstall ------------------------------------------------------------------
staged() {
  local so="$tmp/stage/usr/local/lib/$realname"
  make -s install-strip PREFIX=/usr/local DESTDIR="$tmp/stage" &&
    [ -f "$so" ] &&
    grep -qx "prefix=/usr/local" "$tmp/stage/usr/local/lib/pkgconfig/packr.pc" &&
    [ "$(find "$tmp/stage" -path "$tmp/stage/usr/local" -prune -o -print | wc -l)" -le 3 ] &&
    ! readelf -S --wide "$so" | grep -q '\.debug_info' &&
    [ "$(stat -c %s "$so")" -lt "$(stat -c %s "$ROOT/target/release/libpackr.so")" ] &&
    readelf -d "$so" | grep -q "Library soname: \[$soname\]" &&
    nm -D --defined-only "$so" | grep -q " T packr_version$"
}
check "make install-strip DESTDIR=... PREFIX=/usr/local: staged, prefix=/usr/local, stripped, SONAME kept" staged

uninstall() {
  make -s uninstall PREFIX="$prefix" &&
    left="$(find "$prefix" \( -type f -o -type l \) | wc -l)" &&
    { [ "$left" -eq 0 ] || { find "$prefix"; false; }; }
}
check "make uninstall removes every installed file" uninstall

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
