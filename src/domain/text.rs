//! Free text from forms: trimmed, free of control characters, within a length.

use super::Invalid;

/// A required single line of text, at most `max` characters.
pub fn required_line(raw: &str, max: usize) -> Result<String, Invalid> {
    let value = optional_line(raw, max)?;
    if value.is_empty() {
        return Err("field-required");
    }
    Ok(value)
}

/// An optional single line of text: empty is allowed.
pub fn optional_line(raw: &str, max: usize) -> Result<String, Invalid> {
    let value = raw.trim();
    if value.chars().any(char::is_control) {
        return Err("field-control-characters");
    }
    if value.chars().count() > max {
        return Err("field-too-long");
    }
    Ok(value.to_string())
}

/// Multi-line text: keeps line breaks and tabs, refuses other control characters.
pub fn optional_block(raw: &str, max: usize) -> Result<String, Invalid> {
    let value = raw.trim().replace("\r\n", "\n");
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err("field-control-characters");
    }
    if value.chars().count() > max {
        return Err("field-too-long");
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(required_line("  Douma ", 10), Ok("Douma".into()));
        assert_eq!(required_line("   ", 10), Err("field-required"));
        assert_eq!(
            required_line("a\u{0}b", 10),
            Err("field-control-characters")
        );
        assert_eq!(required_line("دوما", 4), Ok("دوما".into()));
        assert_eq!(required_line("دوماx", 4), Err("field-too-long"));
        assert_eq!(optional_block("a\r\nb", 10), Ok("a\nb".into()));
    }
}
