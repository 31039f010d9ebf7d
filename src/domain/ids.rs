//! Typed record ids: an incident's id cannot be handed to a function that reads convoys. Paths
//! (`/incidents/{id}`) parse straight into them; the records core and its stores take them.
//! An id is a name, not a permission: what a viewer may see is still `records::Visible`.

macro_rules! record_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Deserialize, serde::Serialize,
        )]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(id: i64) -> Self {
                Self(id)
            }

            /// The number stored in the database.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

record_id!(
    /// An incident (`incidents.id`).
    IncidentId
);
record_id!(
    /// A convoy (`convoys.id`).
    ConvoyId
);
record_id!(
    /// A need (`needs.id`).
    NeedId
);
