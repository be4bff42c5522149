use serde::{Deserialize, Serialize};

use super::AdditionalProperties;

/// `identitySet`: who did something, as a user, an application and/or a device. An open type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentitySet {
    /// The application involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application: Option<Identity>,
    /// The device involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<Identity>,
    /// The user involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<Identity>,
    /// Dynamic members of the open type (`applicationInstance`, `guest`, `phone`, ...), kept verbatim.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}

impl IdentitySet {
    /// An identity set naming one user by id.
    pub fn user(id: impl Into<String>) -> Self {
        IdentitySet { user: Some(Identity { id: Some(id.into()), ..Identity::default() }), ..IdentitySet::default() }
    }
}

/// `identity`: one actor. An open type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// The display name; may be all there is when the id is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The identifier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Members not declared by the metadata, kept verbatim.
    #[serde(flatten)]
    pub additional_properties: AdditionalProperties,
}
