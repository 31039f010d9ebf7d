//! Keyset paging: a cursor names the last row a page gave (its id, in the order the list is
//! read) and the kind of list it belongs to. It is opaque to clients (hex of `kind:id`), so
//! the paging can change without breaking them; a cursor of another list is refused.

/// The id after which the next page starts; `None` for the first page.
pub fn parse(kind: &str, raw: &str) -> Result<Option<i64>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let bytes = hex::decode(raw).map_err(|_| "the cursor is not one this API gave")?;
    let text = String::from_utf8(bytes).map_err(|_| "the cursor is not one this API gave")?;
    match text.split_once(':') {
        Some((k, id)) if k == kind => id
            .parse::<i64>()
            .map(Some)
            .map_err(|_| "the cursor is not one this API gave"),
        _ => Err("the cursor belongs to another list"),
    }
}

pub fn make(kind: &str, id: i64) -> String {
    hex::encode(format!("{kind}:{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_only_for_its_own_list() {
        let c = make("incidents", 42);
        assert_eq!(parse("incidents", &c), Ok(Some(42)));
        assert!(parse("convoys", &c).is_err());
        assert!(parse("incidents", "zz").is_err());
        assert_eq!(parse("incidents", ""), Ok(None));
    }
}
