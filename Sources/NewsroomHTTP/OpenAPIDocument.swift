import NewsroomProjections

/// The API's description, served at /openapi.json. A test checks that every route is in it.
enum OpenAPIDocument {
    static var paths: [String: [String: Any]] { [
        "/healthz": ["get": ["summary": "Database reachability, projection lag, and whether a follower keeps the read models current", "responses": ["200": ["description": "healthy"], "503": ["description": "database unavailable"]]]],
        "/articles": ["get": [
            "summary": "Published articles, latest first, as ninjs",
            "parameters": [
                ["name": "section", "in": "query", "schema": ["type": "string"]],
                ["name": "language", "in": "query", "schema": ["type": "string"]],
                ["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 100]],
                ["name": "cursor", "in": "query", "schema": ["type": "string"]],
            ],
            "responses": ["200": ["description": "a page of articles, with `next` when there are more"], "400": ["description": "bad parameter"]],
        ]],
        "/articles/{slug}": ["get": [
            "summary": "One published article as a ninjs 3 document",
            "parameters": [["name": "slug", "in": "path", "required": true, "schema": ["type": "string"]]],
            "responses": ["200": ["description": "the ninjs document"], "301": ["description": "a former slug; Location names the current one"],
                          "304": ["description": "not modified (If-None-Match / If-Modified-Since)"], "404": ["description": "no such published article"]],
        ]],
        "/articles/{slug}/related": ["get": [
            "summary": "Related articles and the editor's pick, as partial ninjs",
            "parameters": [["name": "slug", "in": "path", "required": true, "schema": ["type": "string"]]],
            "responses": ["200": ["description": "related and editorsPick"], "404": ["description": "no such published article"]],
        ]],
        "/audit": ["get": [
            "summary": "The editorial audit trail, in log order; needs an editor's or chief's token from `newsroom token create`",
            "security": [["bearer": []]],
            "parameters": [
                ["name": "article", "in": "query", "schema": ["type": "string"], "description": "article id, or any slug it was published under"],
                ["name": "actor", "in": "query", "schema": ["type": "string"], "description": "staff login"],
                ["name": "action", "in": "query", "schema": ["type": "string", "enum": EditorialAuditProjection.actions], "description": "What was done"],
                ["name": "since", "in": "query", "schema": ["type": "string", "format": "date-time"]],
                ["name": "until", "in": "query", "schema": ["type": "string", "format": "date-time"]],
                ["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 1000, "default": 100]],
                ["name": "after", "in": "query", "schema": ["type": "string"], "description": "the `next` value of the previous page"],
            ],
            "responses": ["200": ["description": "items, with `next` when there may be more"], "400": ["description": "bad parameter"],
                          "401": ["description": "missing, revoked or unknown token"], "404": ["description": "endpoint off: no token exists"]],
        ]],
        "/metrics": ["get": ["summary": "Prometheus text: requests, latencies, projection lag", "responses": ["200": ["description": "text/plain; version=0.0.4"]]]],
        "/openapi.json": ["get": ["summary": "This document", "responses": ["200": ["description": "OpenAPI 3.1"]]]],
    ] }

    static var json: [String: Any] {
        ["openapi": "3.1.0", "info": ["title": "newsroom read API", "version": "1.1.0"], "paths": paths,
         "components": ["securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]]]]
    }
}
