//! Medical-supply needs of facilities, met by convoy deliveries.

pub mod fields;
pub mod list;
pub mod model;
