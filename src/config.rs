//! The optional config file (TOML) in the platform config directory: defaults for the command
//! line flags, the annotator name, the tag set, and key rebindings by action name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::ByteSize;

/// Everything the config file may set; every field is optional.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub score: Option<String>,
    pub threshold: Option<f64>,
    pub hatch: Option<String>,
    pub annotator: Option<String>,
    pub tags: Option<Vec<String>>,
    /// As `--id-fields`: the metadata fields that make each rollout's id.
    pub id_fields: Option<Vec<String>>,
    /// Size limits (`"16GiB"` or bytes), as `--max-file`, `--max-entry`, `--max-label-file`.
    pub max_file: Option<ByteSize>,
    pub max_entry: Option<ByteSize>,
    pub max_label_file: Option<ByteSize>,
    /// As `--follow`: the app follows its files after the first load.
    pub follow: Option<bool>,
    /// The rollout list's metadata columns, in order.
    pub columns: Option<Vec<String>>,
    /// Action name → keys, e.g. `next_turn = ["]", "L"]`.
    #[serde(default)]
    pub keys: HashMap<String, Vec<String>>,
    /// `[review]`: how a spot-check review moves.
    #[serde(default)]
    pub review: ReviewConfig,
}

/// The `[review]` table.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    /// Scoring an item moves to the next unscored one (default true).
    pub advance: Option<bool>,
    /// The reason codes an adjudicator picks from (default judge-wrong, human-wrong,
    /// rubric-ambiguous, other).
    pub reasons: Option<Vec<String>>,
}

/// Where the config file is looked for: `$ROLLSCOPE_CONFIG`, else `<config dir>/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ROLLSCOPE_CONFIG") {
        return Some(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "rollscope").map(|dirs| dirs.config_dir().join("config.toml"))
}

/// Why the config file cannot be used; both name the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: cannot read config: {reason}", .path.display())]
    Read { path: PathBuf, reason: std::io::Error },
    /// Not TOML, or a setting that does not exist or has the wrong type; `reason` has the
    /// line and column.
    #[error("{}: {}", .path.display(), .reason.to_string().trim_end())]
    Invalid { path: PathBuf, reason: toml::de::Error },
    /// A setting outside what its flag accepts (a NaN threshold, a hatch matching everything).
    #[error("{}: {reason}", .path.display())]
    Setting { path: PathBuf, reason: String },
}

impl Config {
    /// Reads the config file; a missing file is an empty config, a bad one an error naming it.
    pub fn load() -> Result<Config, ConfigError> {
        match config_path() {
            Some(path) => Config::read(&path),
            None => Ok(Config::default()),
        }
    }

    pub fn read(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(reason) => return Err(ConfigError::Read { path: path.to_path_buf(), reason }),
        };
        let config: Config = toml::from_str(&text)
            .map_err(|reason| ConfigError::Invalid { path: path.to_path_buf(), reason })?;
        config.check().map_err(|reason| ConfigError::Setting { path: path.to_path_buf(), reason })?;
        Ok(config)
    }

    /// The same bounds as the flags these settings stand in for.
    fn check(&self) -> Result<(), String> {
        if let Some(t) = self.threshold.filter(|t| !t.is_finite()) {
            return Err(format!("threshold = {t} is not a finite number"));
        }
        if let Some(pattern) = &self.hatch {
            crate::model::Hatch::new(pattern).map_err(|e| format!("hatch: {e}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_keys_and_names_bad_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "threshold = 6\nannotator = \"ana\"\n[keys]\nnext_turn = [\"L\"]\n").unwrap();
        let config = Config::read(&path).unwrap();
        assert_eq!(config.threshold, Some(6.0));
        assert_eq!(config.annotator.as_deref(), Some("ana"));
        assert_eq!(config.keys["next_turn"], vec!["L".to_string()]);
        std::fs::write(&path, "treshold = 6\n").unwrap();
        let err = Config::read(&path).unwrap_err().to_string();
        assert!(err.contains("config.toml") && err.contains("treshold"), "{err}");
        assert_eq!(Config::read(&dir.path().join("missing.toml")).unwrap(), Config::default());
    }

    #[test]
    fn settings_have_the_bounds_of_their_flags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        for (text, says) in
            [("threshold = nan", "finite"), ("threshold = -inf", "finite"), ("hatch = \".*\"", "empty")]
        {
            std::fs::write(&path, text).unwrap();
            let err = Config::read(&path).unwrap_err().to_string();
            assert!(err.contains("config.toml") && err.contains(says), "{text}: {err}");
        }
    }
}
