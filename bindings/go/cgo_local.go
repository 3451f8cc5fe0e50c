//go:build !packr_pkgconfig

package packr

// By default the package builds against the repository it lives in: the committed header in
// include/ and the library that `cargo build --release` leaves in target/release (found at run
// time through an rpath, so no LD_LIBRARY_PATH is needed). Build with `-tags packr_pkgconfig`
// to use an installed libpackr through pkg-config (`packr.pc`) instead, or override these flags
// with the CGO_CFLAGS / CGO_LDFLAGS environment variables.

// #cgo CFLAGS: -I${SRCDIR}/../../include
// #cgo LDFLAGS: -L${SRCDIR}/../../target/release -lpackr -Wl,-rpath,${SRCDIR}/../../target/release
import "C"
