//! The port's OpenAPI document is generated from the handlers and the service layer's types;
//! this snapshot is the committed document (`tests/snapshots/openapi__openapi.snap`): a change
//! to the API shows up here, in review.

use freeport_server::api::openapi_json;

#[test]
fn openapi() {
    let json = openapi_json();
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    // Every route of the router is documented, and every error is a problem document.
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/whoami",
        "/api/v1/accounts",
        "/api/v1/filings",
        "/api/v1/filings/{id}",
        "/api/v1/filings/{id}/messages",
        "/api/v1/filings/{id}/decision",
        "/api/v1/cases",
        "/api/v1/journal",
        "/api/v1/stats/studies",
        "/api/v1/stats/releases",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('4') {
                    assert!(
                        response["content"]
                            .as_object()
                            .unwrap()
                            .contains_key("application/problem+json"),
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
    insta::assert_snapshot!(json);
}
