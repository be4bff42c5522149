//! Plans, plan details, buckets, bucket and group lists, users and /me, and paging.

mod common;

use common::*;
use serde_json::{json, Value};

const GROUP: &str = "ebf3b108-5234-4e22-b93d-656d7dae5874";

fn code(r: &Reply) -> (u16, String) {
    (r.status, r.json()["error"]["code"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn plans_details_and_buckets_hold_every_documented_property() {
    let emu = Emulator::start(&[]);
    for version in ["v1.0", "beta"] {
        let plan = emu.get(&format!("/{version}/planner/plans/{EXAMPLE_PLAN}")).await;
        assert_eq!(plan.status, 200, "{}", plan.body);
        let p = plan.json();
        for name in ["@odata.context", "@odata.etag", "id", "title", "createdDateTime", "owner", "container", "createdBy"] {
            assert!(p.get(name).is_some(), "plan.{name} missing: {p}");
        }
        assert_eq!(
            p["container"],
            json!({ "@odata.type": "microsoft.graph.plannerPlanContainer", "containerId": GROUP, "type": "group", "url": format!("https://graph.microsoft.com/v1.0/groups/{GROUP}") })
        );

        let d = emu.get(&format!("/{version}/planner/plans/{EXAMPLE_PLAN}/details")).await.json();
        let cats = d["categoryDescriptions"].as_object().unwrap();
        assert_eq!(cats.len(), 25);
        for n in 1..=25 {
            assert!(cats.contains_key(&format!("category{n}")), "category{n}");
        }
        assert_eq!((cats["category1"].as_str(), cats["category2"].as_str(), &cats["category25"]), (Some("Urgent"), Some("Blocked"), &Value::Null));
        assert_eq!(d["sharedWith"][DEFAULT_USER], true);
        assert_eq!(d["id"], EXAMPLE_PLAN);
        assert!(d["@odata.etag"].is_string());

        let b = emu.get(&format!("/{version}/planner/plans/{EXAMPLE_PLAN}/buckets")).await.json();
        let buckets = b["value"].as_array().unwrap();
        assert_eq!(buckets.len(), 3);
        for bucket in buckets {
            for name in ["@odata.etag", "name", "planId", "orderHint", "id"] {
                assert!(bucket.get(name).is_some(), "bucket.{name} missing");
            }
            assert_eq!(bucket["planId"], EXAMPLE_PLAN);
        }
        assert_eq!(buckets[0]["id"], EXAMPLE_BUCKET);
        let mut hints: Vec<&str> = buckets.iter().map(|b| b["orderHint"].as_str().unwrap()).collect();
        let board = hints.clone();
        hints.sort_unstable();
        assert_eq!(hints, board, "order hints sort as the board stands");
    }
    assert_eq!(code(&emu.get("/v1.0/planner/plans/AAAAAAAAAAAAAAAAAAAAAAAAAAAA").await), (404, "itemNotFound".into()));
    assert_eq!(code(&emu.get("/v1.0/planner/plans/short/buckets").await), (400, "BadRequest".into()));
    let anonymous = emu.client.get(&emu.url(&format!("/v1.0/planner/plans/{EXAMPLE_PLAN}")), &[]).await.unwrap();
    assert_eq!(code(&anonymous), (401, "InvalidAuthenticationToken".into()));
}

#[tokio::test]
async fn bucket_tasks_and_group_plans() {
    let emu = Emulator::start(&[]);
    let mut ids = Vec::new();
    for i in 0..2 {
        let r = emu.create(&json!({ "planId": EXAMPLE_PLAN, "bucketId": EXAMPLE_BUCKET, "title": format!("b{i}") })).await;
        ids.push(r.json()["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(emu.create(&task(EXAMPLE_PLAN, "no bucket")).await.status, 201);
    let listed = emu.get(&format!("/v1.0/planner/buckets/{EXAMPLE_BUCKET}/tasks")).await.json();
    let got: Vec<&str> = listed["value"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(got, ids.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(listed["@odata.context"].as_str().unwrap().contains(&format!("planner/buckets('{EXAMPLE_BUCKET}')/tasks")));
    assert_eq!(code(&emu.get("/v1.0/planner/buckets/AAAAAAAAAAAAAAAAAAAAAAAAAAAA/tasks").await), (404, "itemNotFound".into()));

    let plans = emu.get(&format!("/beta/groups/{GROUP}/planner/plans")).await.json();
    let titles: Vec<&str> = plans["value"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Client onboarding", "Product launch"]);
    let (plan, _) = emu.new_plan().await;
    let plans = emu.get(&format!("/v1.0/groups/{GROUP}/planner/plans")).await.json();
    assert!(plans["value"].as_array().unwrap().iter().any(|p| p["id"] == plan.as_str()), "a plan made at run time belongs to the seed's group");
    assert_eq!(code(&emu.get("/v1.0/groups/00000000-0000-0000-0000-000000000000/planner/plans").await), (404, "Request_ResourceNotFound".into()));
}

#[tokio::test]
async fn users_by_id_and_name_with_select_and_filter() {
    let emu = Emulator::start(&[]);
    let alex = "fbab97d0-4932-4511-b675-204639209557";
    for path in [format!("/v1.0/users/{alex}"), "/v1.0/users/alexw@CONTOSO.com".to_owned(), "/beta/users/AlexW%40contoso.com".to_owned()] {
        let r = emu.get(&path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        let u = r.json();
        for name in [
            "businessPhones",
            "displayName",
            "givenName",
            "jobTitle",
            "mail",
            "mobilePhone",
            "officeLocation",
            "preferredLanguage",
            "surname",
            "userPrincipalName",
            "id",
        ] {
            assert!(u.get(name).is_some(), "{path}: {name} missing");
        }
        assert_eq!((u["id"].as_str(), u["userPrincipalName"].as_str(), u["mail"].as_str()), (Some(alex), Some("AlexW@contoso.com"), Some("AlexW@contoso.com")));
    }
    let r = emu.get(&format!("/v1.0/users/{alex}?$select=displayName,mail")).await;
    let u = r.json();
    assert_eq!(u.as_object().unwrap().len(), 3, "{u}");
    assert_eq!(u["displayName"], "Alex Wilber");
    assert!(u["@odata.context"].as_str().unwrap().ends_with("$metadata#users(displayName,mail)/$entity"));
    assert_eq!(code(&emu.get(&format!("/v1.0/users/{alex}?$select=shoeSize")).await), (400, "Request_BadRequest".into()));
    assert_eq!(code(&emu.get("/v1.0/users/nobody@contoso.com").await), (404, "Request_ResourceNotFound".into()));

    let by_mail = emu.get("/v1.0/users?$filter=mail%20eq%20'meganb@contoso.com'").await.json();
    let found: Vec<&str> = by_mail["value"].as_array().unwrap().iter().map(|u| u["displayName"].as_str().unwrap()).collect();
    assert_eq!(found, ["Megan Bowen"]);
    let by_upn = emu.get("/v1.0/users?$filter=userPrincipalName%20eq%20'LeeG@contoso.com'&$select=id").await.json();
    assert_eq!(by_upn["value"], json!([{ "id": "2ed03dfd-01d8-4005-a9ef-fa8ee546dc6c" }]));
    assert_eq!(emu.get("/v1.0/users?$filter=mail%20eq%20'none@contoso.com'").await.json()["value"], json!([]));
    assert_eq!(code(&emu.get("/v1.0/users?$filter=startswith(displayName,'A')").await), (400, "Request_UnsupportedQuery".into()));

    let me = emu.get("/v1.0/me").await.json();
    assert_eq!(
        (me["id"].as_str(), me["displayName"].as_str(), me["userPrincipalName"].as_str()),
        (Some(DEFAULT_USER), Some("Dev User"), Some("DevUser@contoso.com"))
    );
    assert_eq!(emu.get("/beta/me?$select=id").await.json().as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn lists_come_in_pages_with_an_absolute_next_link() {
    let emu = Emulator::start(&["--page-size", "3"]);
    let (plan, _) = emu.new_plan().await;
    let mut created = Vec::new();
    for i in 0..7 {
        created.push(emu.create(&task(&plan, &format!("p{i}"))).await.json()["id"].as_str().unwrap().to_owned());
    }
    let mut seen = Vec::new();
    // The link is built from the host the client used.
    let first = emu.client.get(&emu.url(&format!("/v1.0/planner/plans/{plan}/tasks")), &[AUTH, ("host", "graph.example.test:8443")]).await.unwrap().json();
    let link = first["@odata.nextLink"].as_str().unwrap();
    assert!(link.starts_with(&format!("http://graph.example.test:8443/v1.0/planner/plans/{plan}/tasks?")), "{link}");
    let mut page = emu.get(&format!("/v1.0/planner/plans/{plan}/tasks")).await.json();
    let mut pages = 0;
    loop {
        pages += 1;
        let items = page["value"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|t| t["id"].as_str().unwrap().to_owned()));
        let Some(next) = page["@odata.nextLink"].as_str() else { break };
        assert!(next.starts_with(&emu.url("/v1.0/")), "{next}");
        page = emu.client.get(next, &[AUTH]).await.unwrap().json();
    }
    assert_eq!((pages, seen), (3, created));
    assert_eq!(code(&emu.get(&format!("/v1.0/planner/plans/{plan}/tasks?$skiptoken=x")).await), (400, "BadRequest".into()));
    // $top pages the users list.
    let users = emu.get("/v1.0/users?$top=2").await.json();
    assert_eq!(users["value"].as_array().unwrap().len(), 2);
    let rest = emu.client.get(users["@odata.nextLink"].as_str().unwrap(), &[AUTH]).await.unwrap().json();
    assert_eq!(rest["value"].as_array().unwrap().len(), 2);
    assert_eq!(code(&emu.get("/v1.0/users?$top=0").await), (400, "BadRequest".into()));
}
