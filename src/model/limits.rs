//! How much rollscope reads from one input: every read has a size limit, so a hostile file
//! (`/dev/zero` behind a `.json` name, a zip bomb) costs a bounded amount of memory and time.
//! Sizes are written `16GiB`, `256MiB`, `1G`, `1048576`: units are binary (`K`, `KB` and
//! `KiB` all mean 1024).

use std::fmt;
use std::str::FromStr;

pub const KIB: u64 = 1 << 10;
pub const MIB: u64 = 1 << 20;
pub const GIB: u64 = 1 << 30;
const TIB: u64 = 1 << 40;

/// The size limits of one load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// A rollout file or a `--scores` file, and the inflated total of one archive
    /// (`--max-file`, default 16 GiB).
    pub file: u64,
    /// A label file or a spot-check queue (`--max-label-file`, default 256 MiB).
    pub label_file: u64,
    /// One inflated archive entry (`--max-entry`, default 1 GiB).
    pub entry: u64,
}

impl Default for ReadLimits {
    fn default() -> ReadLimits {
        ReadLimits { file: 16 * GIB, label_file: 256 * MIB, entry: GIB }
    }
}

/// A limit and the setting that raises it, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub bytes: u64,
    /// The flag and config key: `--max-file` / `max_file`.
    pub setting: &'static str,
}

impl Limit {
    /// No limit: for finding which files a study's paths hold (whatever their size, a file a
    /// study names is an input an output must not replace).
    pub const NONE: Limit = Limit { bytes: u64::MAX, setting: "max-file" };
}

impl ReadLimits {
    pub fn rollout_file(&self) -> Limit {
        Limit { bytes: self.file, setting: "max-file" }
    }

    pub fn label_file(&self) -> Limit {
        Limit { bytes: self.label_file, setting: "max-label-file" }
    }

    pub fn archive_entry(&self) -> Limit {
        Limit { bytes: self.entry, setting: "max-entry" }
    }

    /// An archive's inflated total shares the rollout-file limit.
    pub fn archive(&self) -> Limit {
        self.rollout_file()
    }
}

impl Limit {
    /// "the 256 MiB limit (--max-label-file, or max_label_file in the config file)".
    pub fn describe(&self) -> String {
        let key = self.setting.replace('-', "_");
        format!("the {} limit (--{}, or {key} in the config file)", ByteSize(self.bytes), self.setting)
    }
}

/// A number of bytes, read and shown with binary units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl fmt::Display for ByteSize {
    /// Whole units exactly (`16 GiB`); other sizes to one decimal (`2.3 GiB`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        let units = [(TIB, "TiB"), (GIB, "GiB"), (MIB, "MiB"), (KIB, "KiB")];
        match units.iter().find(|(unit, _)| n >= *unit) {
            Some((unit, name)) if n.is_multiple_of(*unit) => write!(f, "{} {name}", n / unit),
            Some((unit, name)) => write!(f, "{:.1} {name}", n as f64 / *unit as f64),
            None => write!(f, "{n} bytes"),
        }
    }
}

/// A size that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a size: expected bytes or a number with K, M, G or T (e.g. 512MiB, 16G)")]
pub struct SizeError {
    pub text: String,
}

impl FromStr for ByteSize {
    type Err = SizeError;
    fn from_str(text: &str) -> Result<ByteSize, SizeError> {
        let error = || SizeError { text: text.to_string() };
        let trimmed = text.trim();
        let split = trimmed.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(split);
        let unit = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" | "kib" => KIB,
            "m" | "mb" | "mib" => MIB,
            "g" | "gb" | "gib" => GIB,
            "t" | "tb" | "tib" => TIB,
            _ => return Err(error()),
        };
        if let Ok(whole) = number.parse::<u64>() {
            return whole.checked_mul(unit).map(ByteSize).ok_or_else(error);
        }
        let value = number.parse::<f64>().map_err(|_| error())? * unit as f64;
        // Below 2^64 (`u64::MAX as f64` rounds up to it).
        if value.is_finite() && value < u64::MAX as f64 { Ok(ByteSize(value as u64)) } else { Err(error()) }
    }
}

impl<'de> serde::Deserialize<'de> for ByteSize {
    /// A number of bytes, or a string with a unit.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ByteSize, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Written {
            Bytes(u64),
            Text(String),
        }
        match Written::deserialize(d)? {
            Written::Bytes(n) => Ok(ByteSize(n)),
            Written::Text(text) => text.parse().map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_with_binary_units_and_show_the_same_way() {
        for (text, bytes) in [
            ("1048576", MIB),
            ("16GiB", 16 * GIB),
            ("16 G", 16 * GIB),
            ("256mb", 256 * MIB),
            ("1.5K", 1536),
            ("0", 0),
            ("2T", 2 * TIB),
        ] {
            assert_eq!(text.parse::<ByteSize>(), Ok(ByteSize(bytes)), "{text}");
        }
        for bad in ["", "G", "-1", "1.2.3", "12 parsecs", "99999999999T", "1e400"] {
            assert!(bad.parse::<ByteSize>().is_err(), "{bad}");
        }
        assert_eq!(ByteSize(16 * GIB).to_string(), "16 GiB");
        assert_eq!(ByteSize(2_469_606_195).to_string(), "2.3 GiB");
        assert_eq!(ByteSize(100).to_string(), "100 bytes");
        let limit = ReadLimits::default().label_file().describe();
        assert_eq!(limit, "the 256 MiB limit (--max-label-file, or max_label_file in the config file)");
    }
}
