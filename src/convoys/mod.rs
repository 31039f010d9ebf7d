//! Aid convoys from plan to outcome: cargo, the status lifecycle as dated events, deliveries
//! (what arrived, what was removed on the way), and the incidents that obstructed them.

pub mod fields;
pub mod list;
pub mod model;
