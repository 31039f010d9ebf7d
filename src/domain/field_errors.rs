//! Field errors: each field's message id, shown beside the field and in the summary at the top
//! (which links to the field). Everything else the person typed is sent back into the form.

use std::borrow::Cow;

/// Messages by field, in the order of the form. Field names are usually literals; numbered
/// rows (`line_item_3`) are built at run time.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(Cow<'static, str>, &'static str)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message_id: &'static str) {
        let field = field.into();
        if !self.0.iter().any(|(f, _)| *f == field) {
            self.0.push((field, message_id));
        }
    }

    /// Takes the value of a parse, or notes its error and returns `None`.
    pub fn check<T>(
        &mut self,
        field: impl Into<Cow<'static, str>>,
        parsed: Result<T, &'static str>,
    ) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(id) => {
                self.add(field, id);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message id for `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| *m)
    }

    pub fn all(&self) -> &[(Cow<'static, str>, &'static str)] {
        &self.0
    }

    /// Adds every message of `other`.
    pub fn extend(&mut self, other: FieldErrors) {
        for (field, message) in other.0 {
            self.add(field, message);
        }
    }
}
