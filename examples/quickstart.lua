-- Locust's quickstart, line by line in Lua (see docs/lua-api.md).
-- Run it: locusta -f examples/quickstart.lua -H http://127.0.0.1:8000 --headless -u 10 -r 2 -t 30s
-- or against the built-in demo target: locusta demo

QuickstartUser = HttpUser {
    wait_time = between(1, 5),
}

task()
function QuickstartUser:hello_world()
    self.client:get("/hello")
    self.client:get("/world")
end

task(3)
function QuickstartUser:view_items()
    for item_id = 0, 9 do
        self.client:get("/item?id=" .. item_id, { name = "/item" })
        sleep(1)
    end
end

function QuickstartUser:on_start()
    self.client:post("/login", { json = { username = "foo", password = "bar" } })
end
