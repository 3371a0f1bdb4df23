//! The response object: fields, methods, and `catch_response` verdicts.

use crate::support::{rows, run_script};

#[tokio::test(start_paused = true)]
async fn response_fields() {
    run_script(
        r#"
Checker = HttpUser {}
task()
function Checker:check()
    local r = self.client:get("/item?id=7")
    assert(r.status_code == 200 and r.ok == true)
    assert(r.text == '{"id":7,"name":"item 7"}', r.text)
    assert(r.content == r.text)
    assert(r:json().name == "item 7")
    assert(r.headers["content-type"] == "application/json", r.headers["content-type"])
    assert(type(r.elapsed) == "number" and r.elapsed >= 0)
    assert(r.url == self.host .. "/item?id=7", r.url)
    assert(r.error == nil)
    assert(tostring(r) == "<Response [200]>", tostring(r))
    r:raise_for_status()
    r = self.client:get("/status/503")
    assert(r.status_code == 503 and r.ok == false)
    assert(string.find(r.error, "503 Server Error", 1, true), r.error)
    local ok, err = pcall(function() r:raise_for_status() end)
    assert(not ok and string.find(tostring(err), "503", 1, true), tostring(err))
    ok, err = pcall(function() return r:json() end)
    assert(not ok and string.find(tostring(err), "JSONDecodeError", 1, true), tostring(err))
    ok, err = pcall(function() r:success() end)
    assert(not ok and string.find(tostring(err), "catch_response", 1, true), tostring(err))
    error(StopUser)
end
"#,
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn catch_response_verdicts() {
    let (view, _target) = run_script(
        r#"
Checker = HttpUser {}
task()
function Checker:check()
    -- a 404 that is expected: success
    local r = self.client:get("/status/404", { catch_response = true })
    if r.status_code == 404 then
        r:success()
    end
    -- a 200 whose body is wrong: failure
    r = self.client:get("/hello", { catch_response = true, name = "wrong body" })
    if r.text ~= "goodbye" then
        r:failure("Got wrong response")
    end
    assert(r.ok == false and r.error == "CatchResponseError('Got wrong response')", r.error)
    -- no verdict: the normal one, recorded at the next request
    r = self.client:get("/status/500", { catch_response = true })
    self.client:get("/world")
    local ok, err = pcall(function() r:success() end)
    assert(not ok and string.find(tostring(err), "already recorded", 1, true), tostring(err))
    -- no verdict at the end of the task: recorded then
    self.client:get("/status/502", { catch_response = true })
    error(StopUser)
end
"#,
    )
    .await;
    let rows = rows(&view);
    assert!(
        rows.contains(&("GET".into(), "/status/404".into(), 1, 0)),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("GET".into(), "wrong body".into(), 1, 1)),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("GET".into(), "/status/500".into(), 1, 1)),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("GET".into(), "/status/502".into(), 1, 1)),
        "{rows:?}"
    );
    let errors: Vec<String> = view
        .errors()
        .iter()
        .map(|e| e.error().to_string())
        .collect();
    assert!(
        errors.contains(&"CatchResponseError('Got wrong response')".to_string()),
        "{errors:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_response_lives_until_the_end_of_its_task() {
    run_script(
        r#"
Checker = HttpUser {}
function Checker:on_start()
    self.login = self.client:get("/hello")
    self.text = self.login.text
end
task()
function Checker:check()
    assert(self.text == "hello")
    local ok, err = pcall(function() return self.login.status_code end)
    assert(not ok and string.find(tostring(err), "no longer available", 1, true), tostring(err))
    local first = self.client:get("/hello")
    local second = self.client:get("/world")
    assert(first.text == "hello" and second.text == "world")
    error(StopUser)
end
"#,
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn the_response_object_is_closed_and_checks_its_callers() {
    run_script(
        r#"
Checker = HttpUser {}
task()
function Checker:check()
    local r = self.client:get("/hello")
    assert(typeof(r) == "Response", typeof(r))
    assert(type(r) == "userdata", type(r))
    -- its metatable (and the functions behind its fields) is out of reach
    assert(getmetatable(r) == false, tostring(getmetatable(r)))
    -- unknown fields are nil; fields cannot be set
    assert(r.no_such_field == nil and r[1] == nil)
    local ok, err = pcall(function() r.status_code = 1 end)
    assert(not ok, "a response field was set")
    -- a method called with a dot, or on something else, says how to call it
    ok, err = pcall(function() return r.json() end)
    assert(not ok and string.find(tostring(err), "with a colon", 1, true), tostring(err))
    ok, err = pcall(function() return r.json({}) end)
    assert(not ok and string.find(tostring(err), "with a colon", 1, true), tostring(err))
    -- a response is not a JSON value
    ok, err = pcall(function() return json.encode({ r = r }) end)
    assert(not ok, "a response was encoded")
    -- methods are the same function for every response
    local s = self.client:get("/world")
    assert(r.json == s.json and r.text == "hello" and s.text == "world")
    error(StopUser)
end
"#,
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn client_calls_need_the_users_own_coroutine() {
    run_script(
        r#"
Checker = HttpUser {}
task()
function Checker:check()
    local co = coroutine.create(function()
        return self.client:get("/hello")
    end)
    local ok, err = coroutine.resume(co)
    assert(not ok and string.find(tostring(err), "inside a coroutine of your own", 1, true), tostring(err))
    co = coroutine.create(function()
        sleep(0)
    end)
    ok, err = coroutine.resume(co)
    assert(not ok and string.find(tostring(err), "can only be called from a user's task", 1, true), tostring(err))
    -- the user's own coroutine still works
    assert(self.client:get("/hello").text == "hello")
    error(StopUser)
end
"#,
    )
    .await;
}
