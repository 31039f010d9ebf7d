use super::Invalid;

/// A sign-in name: 3 to 64 characters of lower-case letters, digits, `.`, `_` and `-`.
/// Stored lower-case, so `Amal.K` and `amal.k` are one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err("field-required");
        }
        if value.chars().count() < 3 || value.chars().count() > 64 {
            return Err("username-length");
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err("username-characters");
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(Username::parse(" Amal.K ").unwrap().as_str(), "amal.k");
        assert_eq!(Username::parse("ab"), Err("username-length"));
        assert_eq!(Username::parse("a b c"), Err("username-characters"));
        assert_eq!(Username::parse("<script>"), Err("username-characters"));
        assert_eq!(Username::parse(""), Err("field-required"));
    }
}
