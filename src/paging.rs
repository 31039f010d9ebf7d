//! Paging of the record lists (incidents, convoys, needs): the page number in the query string
//! and the links to the pages before and after.

use serde::Serialize;

/// Rows on a page.
pub const PAGE_SIZE: i64 = 50;
/// Pages past this are not offered: narrow the filters instead.
pub const MAX_PAGE: i64 = 200;

/// The page asked for: a number from 1 to [`MAX_PAGE`], 1 when missing or malformed.
pub fn page_number(raw: &str) -> i64 {
    raw.trim().parse::<i64>().unwrap_or(1).clamp(1, MAX_PAGE)
}

/// A list's query string, which carries its page number.
pub trait PagedQuery: Clone + Serialize {
    fn page_mut(&mut self) -> &mut String;

    /// This query as a URL query string, with another page number (none for the first).
    fn with_page(&self, page: i64) -> String {
        let mut q = self.clone();
        *q.page_mut() = if page <= 1 {
            String::new()
        } else {
            page.to_string()
        };
        serde_urlencoded::to_string(&q).unwrap_or_default()
    }
}

/// Where a list page stands: its number, how many pages there are, and the links around it.
pub struct Pager {
    pub page_no: i64,
    pub pages: i64,
    pub prev_link: Option<String>,
    pub next_link: Option<String>,
}

impl Pager {
    /// For page `page_no` of `total` rows listed at `path` with `query`.
    pub fn new(path: &str, query: &impl PagedQuery, page_no: i64, total: i64) -> Self {
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).clamp(1, MAX_PAGE);
        Self {
            page_no,
            pages,
            prev_link: (page_no > 1).then(|| format!("{path}?{}", query.with_page(page_no - 1))),
            next_link: (page_no < pages)
                .then(|| format!("{path}?{}", query.with_page(page_no + 1))),
        }
    }
}
