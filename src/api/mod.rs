//! Machine access: the read API's tokens, what each token's scope may read, and the JSON it
//! reads. Reads go through the records core (`records::Scope`, `Visible<T>`) and the lists'
//! scoped queries, as pages do; the HTTP side is `web::api`.

pub mod cursor;
pub mod read;
pub mod reads;
pub mod scope;
pub mod tokens;
pub mod views;

pub use scope::{ApiScope, TokenScope};
pub use tokens::ApiToken;
