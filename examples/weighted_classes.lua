-- Two weighted user classes and one with a fixed count, as Locust distributes them:
-- the fixed_count class first, then WebUser and MobileUser 3:1.
-- With -u 9: one AdminUser, six WebUsers, two MobileUsers.
-- locusta -f examples/weighted_classes.lua -H http://127.0.0.1:8000 --headless -u 9 -r 9 -t 30s

WebUser = HttpUser {
    weight = 3,
    wait_time = between(1, 2),
}

function WebUser:on_start()
    self.client:get("/hello")
end

task()
function WebUser:browse()
    self.client:get("/item?id=1", { name = "/item" })
end

MobileUser = HttpUser {
    weight = 1,
    wait_time = between(1, 2),
}

function MobileUser:on_start()
    self.client:get("/world")
end

task()
function MobileUser:browse()
    self.client:get("/item?id=2", { name = "/item" })
end

AdminUser = HttpUser {
    fixed_count = 1,
    wait_time = constant(5),
}

function AdminUser:on_start()
    self.client:post("/login", { json = { username = "admin", password = "secret" } })
end

task()
function AdminUser:check()
    self.client:get("/cookie/check")
end
