-- Locust's stages shape (examples/custom_shape/stages.py), in Lua: the test goes through the
-- stages below, then ends. Each duration is the time since the start at which the stage ends,
-- as in Locust's example. -u, -r and -t are ignored: the shape decides.
-- Run it: locusta -f examples/stages_shape.lua -H http://127.0.0.1:8000 --headless
-- (see docs/lua-api.md, "Load shapes")

WebsiteUser = HttpUser {
    wait_time = between(1, 5),
}

task()
function WebsiteUser:index()
    self.client:get("/")
end

StagesShape = Stages {
    { duration = 60, users = 10, spawn_rate = 10 },
    { duration = 100, users = 50, spawn_rate = 10 },
    { duration = 180, users = 100, spawn_rate = 10 },
    { duration = 220, users = 30, spawn_rate = 10 },
    { duration = 230, users = 10, spawn_rate = 10 },
    { duration = 240, users = 1, spawn_rate = 1 },
}
