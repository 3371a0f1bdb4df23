-- TaskSets (Locust's TaskSet): a visitor who sometimes browses the shop for a while. Once the
-- Browse TaskSet is picked it takes over the user, with its own tasks and wait time, until
-- a task calls self:interrupt() and the user picks its next task again.
-- locusta -f examples/taskset.lua -H http://127.0.0.1:8000 --headless -u 10 -r 5 -t 30s

Browse = TaskSet {
    wait_time = constant(0.2), -- overrides the user's wait time while browsing
}

function Browse:on_start()
    self.client:get("/hello") -- the shop's front page, once per visit
end

task(4)
function Browse:view_item()
    self.client:get("/item?id=" .. math.random(1, 100), { name = "/item" })
end

tag("slow")
task(1)
function Browse:slow_page()
    self.client:get("/slow?ms=50", { name = "/slow" })
end

task(1)
function Browse:back_home()
    self:interrupt() -- back to the user's tasks, without waiting
end

Visitor = HttpUser {
    wait_time = constant(1),
}

task(1)
function Visitor:index()
    self.client:get("/")
end

task(2)
Visitor.browse = Browse
