// Package webhook is the outbound HTTP adapter of webhooks: it sends signed deliveries only to
// public addresses — checking the address actually dialled, after DNS, not the host name —
// never follows a redirect, gives a receiver a short time, and reads a few KB of its answer.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/silkgate/silkgate/app"
)

// MaxResponse is how much of a receiver's answer is read; ResponseKept how much of it is kept
// in the delivery log.
const (
	MaxResponse  = 4 << 10
	ResponseKept = 256
)

// ErrAddressRefused is a delivery refused because the receiver's address is loopback, private,
// link-local, shared (CGNAT), unspecified, multicast, reserved or a cloud metadata service.
var ErrAddressRefused = errors.New("address not allowed for webhooks")

// forbidden are the ranges deliveries never go to (unless private ones are allowed for tests).
var forbidden = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network", unspecified
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // shared address space (CGNAT)
		"127.0.0.0/8",     // loopback
		"169.254.0.0/16",  // link-local, cloud metadata (169.254.169.254)
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments (incl. 192.0.0.192 Oracle metadata)
		"192.0.2.0/24",    // documentation
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, broadcast
		"::/128",          // unspecified
		"::1/128",         // loopback
		"64:ff9b::/96",    // NAT64 (embeds an IPv4 address)
		"64:ff9b:1::/48",  // local-use NAT64
		"100::/64",        // discard
		"2001:db8::/32",   // documentation
		"2002::/16",       // 6to4 (embeds an IPv4 address)
		"fc00::/7",        // unique local (incl. fd00:ec2::254, AWS metadata over IPv6)
		"fe80::/10",       // link-local
		"fec0::/10",       // site-local (deprecated)
		"ff00::/8",        // multicast
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// Forbidden reports whether deliveries may not go to ip. An IPv4-mapped IPv6 address
// (::ffff:127.0.0.1) is judged as the IPv4 address it carries.
func Forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() {
		return true
	}
	for _, p := range forbidden {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Options tune a Sender.
type Options struct {
	// AllowPrivate lets deliveries go to loopback and private addresses: tests only
	// (SILKGATE_WEBHOOK_ALLOW_PRIVATE).
	AllowPrivate bool
	// Timeout bounds a whole request: connecting, sending, the answer (default 10 s).
	Timeout time.Duration
}

// Sender makes delivery requests.
type Sender struct {
	client  *http.Client
	metrics *Metrics
}

var _ app.WebhookSender = (*Sender)(nil)

// NewSender returns a sender; its connections are checked as they are dialled.
func NewSender(o Options) *Sender {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	dialer := &net.Dialer{Timeout: o.Timeout, Control: func(network, address string, _ syscall.RawConn) error {
		if o.AllowPrivate {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil || Forbidden(ap.Addr()) {
			return fmt.Errorf("%w: %s", ErrAddressRefused, address)
		}
		return nil
	}}
	transport := &http.Transport{
		Proxy:                 nil, // never through a proxy: the address dialled is the receiver's
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
	}
	return &Sender{client: &http.Client{
		Transport: transport,
		Timeout:   o.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a 3xx is the answer, and a failed delivery
		},
	}}
}

// Send posts r.Body to r.URL with r.Headers.
func (s *Sender) Send(ctx context.Context, r app.WebhookRequest) app.WebhookResult {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return app.WebhookResult{Err: err, Duration: time.Since(start)}
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	res, err := s.client.Do(req)
	if err != nil {
		return app.WebhookResult{Err: cleanError(err), Refused: errors.Is(err, ErrAddressRefused), Duration: time.Since(start)}
	}
	defer res.Body.Close()
	head, err := io.ReadAll(io.LimitReader(res.Body, MaxResponse))
	out := app.WebhookResult{StatusCode: res.StatusCode, Duration: time.Since(start)}
	if err != nil && (res.StatusCode < 200 || res.StatusCode >= 300) {
		out.Err = cleanError(err)
	}
	out.Response = string(bytes.ToValidUTF8(head[:min(len(head), ResponseKept)], nil))
	return out
}

// cleanError drops the URL the client repeats in its errors (the log names the subscription).
func cleanError(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			if errors.Is(inner, context.DeadlineExceeded) || isTimeout(inner) {
				return errors.New("timeout: the receiver did not answer in time")
			}
			return inner
		}
	}
	return err
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Metrics counts delivery attempts by outcome and times them, for /metrics.
type Metrics struct {
	count    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics returns the webhook metrics: silkgate_webhook_deliveries_total{outcome} and
// silkgate_webhook_delivery_duration_seconds{outcome}.
func NewMetrics() *Metrics {
	m := &Metrics{
		count: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "silkgate_webhook_deliveries_total",
			Help: "Webhook delivery attempts, by outcome (delivered, failed, refused, disabled)."}, []string{"outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "silkgate_webhook_delivery_duration_seconds",
			Help: "How long webhook delivery attempts took, by outcome.", Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}},
			[]string{"outcome"}),
	}
	for _, o := range []string{"delivered", "failed", "refused", "disabled"} {
		m.count.WithLabelValues(o)
	}
	return m
}

// Observe counts one attempt.
func (m *Metrics) Observe(outcome string, d time.Duration) {
	m.count.WithLabelValues(outcome).Inc()
	m.duration.WithLabelValues(outcome).Observe(d.Seconds())
}

// Describe implements prometheus.Collector.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) { m.count.Describe(ch); m.duration.Describe(ch) }

// Collect implements prometheus.Collector.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) { m.count.Collect(ch); m.duration.Collect(ch) }
