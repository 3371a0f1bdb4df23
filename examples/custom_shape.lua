-- The custom shape of Locust's documentation ("Custom load shapes"), line by line in Lua:
-- the user count grows in blocks of 100 and the test stops after 10 minutes.
-- Run it: locusta -f examples/custom_shape.lua -H http://127.0.0.1:8000 --headless
-- (see docs/lua-api.md, "Load shapes")

WebsiteUser = HttpUser {
    wait_time = between(1, 5),
}

task()
function WebsiteUser:index()
    self.client:get("/")
end

MyCustomShape = LoadTestShape {
    time_limit = 600,
    spawn_rate = 20,
}

function MyCustomShape:tick()
    local run_time = self:get_run_time()

    if run_time < self.time_limit then
        -- User count rounded to nearest hundred.
        local user_count = math.round(run_time / 100) * 100
        return user_count, self.spawn_rate
    end

    return nil
end
