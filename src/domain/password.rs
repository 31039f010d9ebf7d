use super::Invalid;

/// A password someone has chosen: 12 to 256 characters and not easy to guess.
/// "Easy" is judged by zxcvbn against its shipped lists of common passwords, words and names,
/// plus the person's own username and organisation. Never logged, never shown.
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

const MIN_CHARS: usize = 12;
const MAX_CHARS: usize = 256;

impl NewPassword {
    /// `context` holds words the password must not lean on (username, organisation).
    pub fn parse(raw: &str, confirm: &str, context: &[&str]) -> Result<Self, Invalid> {
        let chars = raw.chars().count();
        if chars == 0 {
            return Err("field-required");
        }
        if chars < MIN_CHARS {
            return Err("password-too-short");
        }
        if chars > MAX_CHARS {
            return Err("password-too-long");
        }
        if raw != confirm {
            return Err("password-mismatch");
        }
        let score = zxcvbn::zxcvbn(raw, context).score();
        if (score as u8) < 3 {
            return Err("password-common");
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert_eq!(
            NewPassword::parse("short", "short", &[]).unwrap_err(),
            "password-too-short"
        );
        assert_eq!(
            NewPassword::parse("password1234", "password1234", &[]).unwrap_err(),
            "password-common"
        );
        assert_eq!(
            NewPassword::parse("qwertyuiop123", "qwertyuiop123", &[]).unwrap_err(),
            "password-common"
        );
        assert_eq!(
            NewPassword::parse("amal.khatib2026", "amal.khatib2026", &["amal.khatib"]).unwrap_err(),
            "password-common"
        );
        assert_eq!(
            NewPassword::parse("orange-kettle-migrates-7", "orange-kettle-migrates-8", &[])
                .unwrap_err(),
            "password-mismatch"
        );
        assert!(
            NewPassword::parse("orange-kettle-migrates-7", "orange-kettle-migrates-7", &[]).is_ok()
        );
    }
}
