use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `plannerPreviewType`: what the task's card shows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PlannerPreviewType {
    /// The service picks.
    Automatic,
    /// No preview.
    NoPreview,
    /// The checklist.
    Checklist,
    /// The description.
    Description,
    /// A reference.
    Reference,
    /// A value the service added after this client was written, kept verbatim.
    Other(String),
}

impl PlannerPreviewType {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            PlannerPreviewType::Automatic => "automatic",
            PlannerPreviewType::NoPreview => "noPreview",
            PlannerPreviewType::Checklist => "checklist",
            PlannerPreviewType::Description => "description",
            PlannerPreviewType::Reference => "reference",
            PlannerPreviewType::Other(name) => name,
        }
    }
}

impl From<&str> for PlannerPreviewType {
    fn from(name: &str) -> Self {
        match name {
            "automatic" => PlannerPreviewType::Automatic,
            "noPreview" => PlannerPreviewType::NoPreview,
            "checklist" => PlannerPreviewType::Checklist,
            "description" => PlannerPreviewType::Description,
            "reference" => PlannerPreviewType::Reference,
            other => PlannerPreviewType::Other(other.to_owned()),
        }
    }
}

impl Serialize for PlannerPreviewType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for PlannerPreviewType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(PlannerPreviewType::from(&*name))
    }
}
