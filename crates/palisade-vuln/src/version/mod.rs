//! Version ordering per ecosystem, as each package manager orders
//! versions. An advisory's range (`introduced`, `fixed`) only means
//! something under its ecosystem's order: `1.0~rc1` is before `1.0` to
//! dpkg, `1.0rc1` before `1.0` to pip, and `1.0^git1` after `1.0` to rpm.

pub mod dpkg;
pub mod go;
pub mod maven;
pub mod npm;
pub mod pep440;
pub mod rpm;
pub mod rubygems;
