//! Generates include/packr.h from src/ffi with cbindgen.
//!
//! The header is always written to $OUT_DIR/packr.h and copied to include/packr.h only when its
//! bytes differ, so an up-to-date tree is never touched. Set PACKR_NO_HEADER_WRITE=1 to skip the
//! copy (read-only source trees). The test command fails when the committed header is stale.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=src/ffi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PACKR_NO_HEADER_WRITE");

    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    let mut config = match cbindgen::Config::from_file(root.join("cbindgen.toml")) {
        Ok(c) => c,
        Err(e) => fail(&format!("cbindgen.toml: {e}")),
    };
    let v = |k: &str| std::env::var(k).unwrap_or_else(|_| "0".into());
    let (major, minor, patch) = (
        v("CARGO_PKG_VERSION_MAJOR"),
        v("CARGO_PKG_VERSION_MINOR"),
        v("CARGO_PKG_VERSION_PATCH"),
    );
    let num = |s: &str| s.parse::<u64>().unwrap_or(0);
    // SONAME of the cdylib, as cargo-c sets it: libpackr.so.0.Y for 0.y releases (any minor
    // release may break the ABI), libpackr.so.0.0.Z for 0.0.z, libpackr.so.X from 1.0 on.
    // ELF targets only. The Makefile's install names the files to match.
    if std::env::var("CARGO_CFG_TARGET_FAMILY").as_deref() == Ok("unix")
        && std::env::var("CARGO_CFG_TARGET_VENDOR").as_deref() != Ok("apple")
    {
        let sover = match (num(&major), num(&minor)) {
            (0, 0) => format!("0.0.{patch}"),
            (0, _) => format!("0.{minor}"),
            _ => major.clone(),
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libpackr.so.{sover}");
        // Programs linked against target/<profile>/libpackr.so look for the SONAME at run time:
        // give it to them in the build tree too (a relative link, valid once cargo links the .so).
        if let Some(profile_dir) = out.ancestors().nth(3) {
            let link = profile_dir.join(format!("libpackr.so.{sover}"));
            if std::fs::symlink_metadata(&link).is_err() {
                #[cfg(unix)]
                let _ = std::os::unix::fs::symlink("libpackr.so", &link);
            }
        }
    }
    config.after_includes = Some(format!(
        r#"
#define PACKR_VERSION_MAJOR {major}
#define PACKR_VERSION_MINOR {minor}
#define PACKR_VERSION_PATCH {patch}
/** (major << 16) | (minor << 8) | patch, for preprocessor comparisons. */
#define PACKR_VERSION_NUMBER {number}
#define PACKR_VERSION_STRING "{major}.{minor}.{patch}"

#if defined(__GNUC__) || defined(__clang__)
#define PACKR_MUST_USE __attribute__((warn_unused_result))
#define PACKR_DEPRECATED(note) __attribute__((deprecated(note)))
#elif defined(_MSC_VER)
#define PACKR_MUST_USE _Check_return_
#define PACKR_DEPRECATED(note) __declspec(deprecated(note))
#else
#define PACKR_MUST_USE
#define PACKR_DEPRECATED(note)
#endif
"#,
        number = (num(&major) << 16) | (num(&minor) << 8) | num(&patch)
    ));

    let bindings = match cbindgen::Builder::new()
        .with_config(config)
        .with_src(root.join("src/ffi/mod.rs"))
        .generate()
    {
        Ok(b) => b,
        Err(e) => fail(&format!("cbindgen could not generate the header: {e}")),
    };
    let generated = out.join("packr.h");
    bindings.write_to_file(&generated);
    println!("cargo:include={}", root.join("include").display());

    if std::env::var_os("PACKR_NO_HEADER_WRITE").is_some() {
        return;
    }
    let new = std::fs::read(&generated).unwrap_or_default();
    let target = root.join("include/packr.h");
    if std::fs::read(&target).ok().as_deref() != Some(&new[..])
        && let Err(e) = std::fs::create_dir_all(root.join("include"))
            .and_then(|_| std::fs::write(&target, &new))
    {
        fail(&format!("writing {}: {e}", target.display()));
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("build.rs: {msg}");
    std::process::exit(1);
}
