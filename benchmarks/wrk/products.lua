-- GET /products/{id} over a small key set (ids 1..50), as a catalog's hot products would be read.
math.randomseed(7)
request = function()
  return wrk.format("GET", "/products/" .. math.random(1, 50))
end
