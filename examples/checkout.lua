-- A SequentialTaskSet: the checkout always runs in order, one step after the other, and
-- the weight of a step is how many times in a row it runs (here: two items to the cart).
-- locusta -f examples/checkout.lua -H http://127.0.0.1:8000 --headless -u 5 -r 5 -t 30s

Checkout = SequentialTaskSet {
    wait_time = constant(0.1), -- a quick checkout: its own wait between steps
}

task(2)
function Checkout:add_to_cart()
    self.client:get("/item?id=" .. math.random(1, 100), { name = "/item" })
end

task()
function Checkout:address()
    self.client:post("/echo", { json = { street = "1 Example Road" }, name = "/address" })
end

task()
function Checkout:pay()
    -- The demo target's /predict plays the payment service here.
    self.client:post("/predict", { json = { features = { 42 } }, name = "/pay" })
end

task()
function Checkout:done()
    self.user.orders = (self.user.orders or 0) + 1
    self:interrupt(false) -- back to the user, who waits before shopping again
end

Shopper = HttpUser {
    wait_time = constant(0.5),
}

function Shopper:on_start()
    self.client:post("/login", { json = { username = "foo", password = "bar" } })
end

task()
Shopper.checkout = Checkout
