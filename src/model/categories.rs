use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `plannerAppliedCategories` (and the 2015 `appliedCategoriesCollection`): which labels a task has.
///
/// An open type of `categoryN: boolean` members; `false` removes a label. Members that are not
/// booleans (an `@odata.type` annotation, say) are kept in `additional_properties`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlannerAppliedCategories {
    /// `categoryN` → applied.
    pub categories: BTreeMap<String, bool>,
    /// Non-boolean members, kept verbatim.
    pub additional_properties: super::AdditionalProperties,
}

impl PlannerAppliedCategories {
    /// Applies (`true`) or removes (`false`) label `number` (`category<number>`).
    pub fn set(&mut self, number: u32, applied: bool) -> &mut Self {
        self.categories.insert(category_name(number), applied);
        self
    }

    /// Whether label `number` is applied; `None` when the task does not mention it.
    pub fn get(&self, number: u32) -> Option<bool> {
        self.categories.get(&category_name(number)).copied()
    }
}

fn category_name(number: u32) -> String {
    let mut name = String::from("category");
    crate::text::push_decimal(&mut name, u64::from(number));
    name
}

impl Serialize for PlannerAppliedCategories {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.categories.len() + self.additional_properties.len()))?;
        for (k, v) in &self.additional_properties {
            map.serialize_entry(k, v)?;
        }
        for (k, v) in &self.categories {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for PlannerAppliedCategories {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let members = BTreeMap::<String, serde_json::Value>::deserialize(deserializer)?;
        let mut out = PlannerAppliedCategories::default();
        for (k, v) in members {
            match v {
                serde_json::Value::Bool(b) => {
                    out.categories.insert(k, b);
                }
                other => {
                    out.additional_properties.insert(k, other);
                }
            }
        }
        Ok(out)
    }
}
