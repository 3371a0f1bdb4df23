-- A user that is not an HTTP user: it times its own operations and records them in the same
-- statistics as HTTP requests (Locust's custom clients), and shows that an error in a task is
-- data: it lands in the exceptions table with its traceback, and the user carries on.
-- locusta -f examples/custom_timing.lua --headless -u 2 -r 2 -t 10s

local function fibonacci(n)
    if n < 2 then
        return n
    end
    return fibonacci(n - 1) + fibonacci(n - 2)
end

ComputeUser = User {
    wait_time = constant(0.2),
}

task(3)
function ComputeUser:compute()
    local result = measure("compute", "fibonacci(18)", fibonacci, 18)
    assert(result == 2584)
end

task(1)
function ComputeUser:remote_call()
    -- A call to another system, timed by hand.
    local started = time.perf_counter()
    sleep(0.05)
    record {
        request_type = "rpc",
        name = "inventory.lookup",
        response_time = (time.perf_counter() - started) * 1000,
        response_length = 128,
    }
end

task(1)
function ComputeUser:broken()
    local order = nil
    return order.id -- an error: recorded with file and line, the user goes on
end
