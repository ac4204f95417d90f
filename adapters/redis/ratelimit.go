package redis

import (
	"context"
	"fmt"
	"math"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/silkgate/silkgate/app"
)

// Limiter counts requests against their limits with the generic cell rate algorithm (GCRA):
// each limit keeps one number in Redis, the theoretical arrival time of the next request, and
// one script checks all the limits of a request atomically in one round trip — a request
// refused by one limit is counted by none. Time is Redis's clock (TIME), so API processes on
// several machines agree.
type Limiter struct {
	rdb                 *goredis.Client
	prefix              string
	key, org, failedIPs app.Rate
}

var _ app.RateLimiter = (*Limiter)(nil)

// LimiterConfig are the limits; a zero rate switches one off.
type LimiterConfig struct {
	Key, Org  app.Rate // every request, by API key and by its organisation
	FailedIPs app.Rate // failed authentications, by client address
}

// NewLimiter returns a limiter keeping its state under namespace (the queue's name, so that
// deployments and tests sharing one Redis count apart).
func NewLimiter(rdb *goredis.Client, namespace string, c LimiterConfig) *Limiter {
	return &Limiter{rdb: rdb, prefix: namespace + ":rl:", key: c.Key, org: c.Org, failedIPs: c.FailedIPs}
}

// gcraScript takes n limits: KEYS[i] with ARGV[3i-1..3i+1] = emission interval (µs), burst,
// mode (1 count, 0 only check that one more would be allowed). It answers {allowed, then per
// limit: allowed, remaining, retry after (µs), reset (µs)}; it counts (writes) only when every
// limit allows, and the figures are those after counting, or as they stand when refused.
var gcraScript = goredis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local n = tonumber(ARGV[1])
local out = {1}
local writes = {}
for i = 1, n do
  local interval = tonumber(ARGV[3*i - 1])
  local burst = tonumber(ARGV[3*i])
  local mode = tonumber(ARGV[3*i + 1])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then tat = now end
  local newTat = tat + interval
  local allowAt = newTat - interval * burst
  -- as things stand (nothing counted): remaining requests, and time until the burst is full
  local r = {1, math.floor((now - allowAt) / interval) + 1, 0, math.ceil(tat - now)}
  if now < allowAt then
    out[1] = 0
    r = {0, 0, math.ceil(allowAt - now), math.ceil(tat - now)}
  elseif mode == 1 then
    table.insert(writes, {KEYS[i], newTat, i})
  end
  for _, x in ipairs(r) do table.insert(out, x) end
end
if out[1] == 1 then
  for _, w in ipairs(writes) do
    local reset = w[2] - now
    redis.call('SET', w[1], string.format('%.0f', w[2]), 'PX', math.ceil(reset / 1000) + 1)
    out[4*w[3] - 1] = out[4*w[3] - 1] - 1
    out[4*w[3] + 1] = math.ceil(reset)
  end
end
return out
`)

type limit struct {
	name, key string
	rate      app.Rate
	count     bool
}

// Allow counts an authenticated request against its key's and its organisation's limits, and
// refuses it while its address is blocked for failed authentications.
func (l *Limiter) Allow(ctx context.Context, s app.RateSubject) (app.RateDecision, error) {
	var ls []limit
	switch {
	case !l.key.On():
	case s.KeyID != "":
		ls = append(ls, limit{"key", l.prefix + "key:" + s.KeyID, l.key, true})
	case s.UserID != "": // a person with a session token: the key's limit, per user
		ls = append(ls, limit{"user", l.prefix + "user:" + s.UserID, l.key, true})
	}
	if l.org.On() && s.OrgID != "" {
		ls = append(ls, limit{"org", l.prefix + "org:" + s.OrgID, l.org, true})
	}
	if l.failedIPs.On() && s.IP != "" {
		ls = append(ls, limit{"ip", l.prefix + "ip:" + s.IP, l.failedIPs, false})
	}
	return l.run(ctx, ls)
}

// Failed counts a failed authentication against the client address.
func (l *Limiter) Failed(ctx context.Context, ip string) (app.RateDecision, error) {
	if !l.failedIPs.On() || ip == "" {
		return app.RateDecision{Allowed: true}, nil
	}
	return l.run(ctx, []limit{{"ip", l.prefix + "ip:" + ip, l.failedIPs, true}})
}

func (l *Limiter) run(ctx context.Context, ls []limit) (app.RateDecision, error) {
	if len(ls) == 0 {
		return app.RateDecision{Allowed: true}, nil
	}
	keys := make([]string, len(ls))
	args := []any{len(ls)}
	for i, x := range ls {
		keys[i] = x.key
		mode := 0
		if x.count {
			mode = 1
		}
		args = append(args, math.Max(1, math.Round(1e6/x.rate.PerSecond)), x.rate.Burst, mode)
	}
	res, err := gcraScript.Run(ctx, l.rdb, keys, args...).Int64Slice()
	if err != nil {
		return app.RateDecision{}, fmt.Errorf("rate limit: %w", err)
	}
	if len(res) != 1+4*len(ls) {
		return app.RateDecision{}, fmt.Errorf("rate limit: the script answered %d numbers for %d limits", len(res), len(ls))
	}
	d := app.RateDecision{Allowed: res[0] == 1}
	for i, x := range ls {
		r := res[1+4*i:]
		d.States = append(d.States, app.RateState{Name: x.name, Rate: x.rate, Remaining: int(r[1]),
			Reset: time.Duration(r[3]) * time.Microsecond})
		if r[0] == 0 {
			if retry := time.Duration(r[2]) * time.Microsecond; d.Denied == "" || retry > d.RetryAfter {
				d.Denied, d.RetryAfter = x.name, retry
			}
		}
	}
	return d, nil
}
