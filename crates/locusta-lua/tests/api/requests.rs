//! `self.client:<method>(url, opts)`: every request option, as the target received it.

use crate::support::{rows, run_script};

#[tokio::test(start_paused = true)]
async fn query_headers_and_name() {
    let (view, _target) = run_script(
        r#"
Checker = HttpUser {}
task()
function Checker:check()
    local r = self.client:get("/echo?x=0", {
        params = { b = 2, a = "1" },
        headers = { ["X-Test"] = "yes" },
        name = "echo",
    })
    local e = r:json()
    assert(e.method == "GET", e.method)
    assert(e.query == "x=0&a=1&b=2", e.query)
    assert(e.headers["x-test"] == "yes")
    r = self.client:get("/echo", { params = { { "k", "2" }, { "k", "1" } } })
    assert(r:json().query == "k=2&k=1", r:json().query)
    r = self.client:get("/echo", { params = { k = { 1, 2 } } })
    assert(r:json().query == "k=1&k=2", r:json().query)
    error(StopUser)
end
"#,
    )
    .await;
    let rows = rows(&view);
    assert!(
        rows.contains(&("GET".into(), "echo".into(), 1, 0)),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("GET".into(), "/echo?k=2&k=1".into(), 1, 0)),
        "{rows:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn bodies_json_form_and_raw() {
    run_script(
        r#"
Checker = HttpUser {}
task()
function Checker:check()
    local e = self.client:post("/echo", { json = { username = "foo", n = 3, list = { 1, 2 }, nothing = json.null } }):json()
    assert(e.headers["content-type"] == "application/json", e.headers["content-type"])
    assert(e.json.username == "foo" and e.json.n == 3 and e.json.list[2] == 2)
    assert(e.json.nothing == json.null)
    e = self.client:post("/echo", { data = { a = "1", b = "x y" } }):json()
    assert(e.headers["content-type"] == "application/x-www-form-urlencoded", e.headers["content-type"])
    assert(e.body == "a=1&b=x+y", e.body)
    e = self.client:post("/echo", { data = "raw body", headers = { ["Content-Type"] = "text/plain" } }):json()
    assert(e.body == "raw body" and e.headers["content-type"] == "text/plain")
    error(StopUser)
end
"#,
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn every_method() {
    let (_view, target) = run_script(
        r#"
Checker = HttpUser {}
task()
function Checker:check()
    self.client:put("/echo")
    self.client:patch("/echo")
    self.client:delete("/echo")
    self.client:head("/echo")
    self.client:options("/echo")
    self.client:request("get", "/hello")
    self.client:request("POST", "/echo", { json = {} })
    error(StopUser)
end
"#,
    )
    .await;
    for method in ["PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "POST"] {
        assert_eq!(target.count(method, "/echo"), 1, "{method}");
    }
    assert_eq!(target.count("GET", "/hello"), 1);
}

#[tokio::test(start_paused = true)]
async fn redirects_timeout_auth_and_cookies() {
    let (view, _target) = run_script(
        r#"
Checker = HttpUser {}
task()
function Checker:check()
    local r = self.client:get("/redirect?to=/hello", { allow_redirects = false })
    assert(r.status_code == 302, r.status_code)
    assert(r.headers["location"] == "/hello")
    r = self.client:get("/redirect?to=/hello")
    assert(r.status_code == 200 and r.text == "hello", r.text)
    assert(string.sub(r.url, -6) == "/hello", r.url)
    r = self.client:get("/slow?ms=3000", { timeout = 0.2 })
    assert(r.status_code == 0 and not r.ok, r.status_code)
    assert(string.find(r.error, "ReadTimeout", 1, true), r.error)
    r = self.client:get("/echo", { auth = { "ann", "pw" } })
    assert(r:json().headers["authorization"] == "Basic YW5uOnB3", r:json().headers["authorization"])
    assert(self.client:get("/cookie/check").status_code == 401)
    assert(self.client:cookie("session") == nil)
    self.client:post("/login", { json = { username = "foo", password = "bar" } })
    assert(self.client:get("/cookie/check").status_code == 200)
    assert(type(self.client:cookie("session")) == "string")
    error(StopUser)
end
"#,
    )
    .await;
    let slow = view
        .entries()
        .into_iter()
        .find(|row| row.name() == "/slow?ms=3000")
        .expect("timed-out request recorded");
    assert_eq!(slow.num_failures(), 1);
}

#[tokio::test(start_paused = true)]
async fn bad_requests_raise_in_the_task_with_the_callers_line() {
    let (view, _target) = run_script(
        r#"
Checker = HttpUser {}
task()
function Checker:check()
    local ok, err = pcall(function() return self.client:get("/x", { verify = false }) end)
    assert(not ok and string.find(err, "unknown request option 'verify'", 1, true), err)
    assert(string.find(err, "locustfile.lua:5:", 1, true), err)
    ok, err = pcall(function() return self.client:get("ftp://example.com/") end)
    assert(not ok and string.find(err, "InvalidSchema", 1, true), err)
    ok, err = pcall(function() return self.client.get("/x") end)
    assert(not ok and string.find(err, "with a colon", 1, true), err)
    error(StopUser)
end
"#,
    )
    .await;
    assert_eq!(view.total().num_requests(), 0);
}
