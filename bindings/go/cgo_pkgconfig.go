//go:build packr_pkgconfig

package packr

// Built with `-tags packr_pkgconfig`: header and library come from an installed libpackr
// described by pkg-config's `packr` module.

// #cgo pkg-config: packr
import "C"
