package http

import (
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"
)

// NewMetricsOnly serves /healthz and /metrics only, with o.Metrics: the figures of a process
// that serves no API (role worker), which publishes most of the events the business figures
// count (customs' receipts are applied by its tasks) and runs the queue's tasks.
func NewMetricsOnly(o Options) *fiber.App {
	f := fiber.New(fiber.Config{AppName: "silkgate-worker", DisableStartupMessage: true,
		ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second})
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(o.Metrics...)
	f.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	metricsHandler := fasthttpadaptor.NewFastHTTPHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	f.Get("/metrics", func(c *fiber.Ctx) error { metricsHandler(c.Context()); return nil })
	return f
}
