package config

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultsRunEmbedded(t *testing.T) {
	c, err := Load(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8080" || c.DataDir != "./data" || c.MongoDB != "silkgate" || c.Role != RoleAll ||
		c.EmbeddedMongoAddr != "127.0.0.1:27117" || c.BodyLimitBytes != 1<<20 || c.ReconcileInterval != time.Minute {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if !c.Embedded() || !c.DemoData() || !c.RunsAPI() || !c.RunsWorker() {
		t.Errorf("defaults should run everything embedded with demo data: %+v", c)
	}
}

func TestDemoDefaultsOffWithRealMongo(t *testing.T) {
	c, err := Load(map[string]string{"MONGO_URI": "mongodb://db:27017/?replicaSet=rs0", "REDIS_URL": "redis://cache:6379/0"})
	if err != nil {
		t.Fatal(err)
	}
	if c.DemoData() || c.Embedded() {
		t.Errorf("real stores: demo data should be off by default: %+v", c)
	}
	c, err = Load(map[string]string{"MONGO_URI": "mongodb://db:27017", "SILKGATE_DEMO": "true"})
	if err != nil || !c.DemoData() {
		t.Errorf("SILKGATE_DEMO=true should win: %v %+v", err, c)
	}
}

func TestBadValuesNameTheirVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"SILKGATE_ROLE":                 {"SILKGATE_ROLE": "api"}, // api alone needs real stores
		"SILKGATE_ROLE ":                {"SILKGATE_ROLE": "scheduler"},
		"SILKGATE_HTTP_ADDR":            {"SILKGATE_HTTP_ADDR": "8080"},
		"MONGO_URI":                     {"MONGO_URI": "postgres://x"},
		"REDIS_URL":                     {"REDIS_URL": "http://x"},
		"MONGO_DB":                      {"MONGO_DB": "a.b"},
		"SILKGATE_OPERATOR_KEY":         {"SILKGATE_OPERATOR_KEY": "short"},
		"SILKGATE_BODY_LIMIT":           {"SILKGATE_BODY_LIMIT": "12"},
		"SILKGATE_RECONCILE_INTERVAL":   {"SILKGATE_RECONCILE_INTERVAL": "10ms"},
		"SILKGATE_LOG_LEVEL":            {"SILKGATE_LOG_LEVEL": "loud"},
		"SILKGATE_AGENDA_REMOVAL_DELAY": {"SILKGATE_AGENDA_REMOVAL_DELAY": "2h"},
		"SILKGATE_EMBEDDED_MONGO_ADDR":  {"SILKGATE_EMBEDDED_MONGO_ADDR": "nowhere"},
		"SILKGATE_WORKER_CONCURRENCY":   {"SILKGATE_WORKER_CONCURRENCY": "many"},
		"SILKGATE_DEMO":                 {"SILKGATE_DEMO": "perhaps"},
		"SILKGATE_EXIT_CUSTOMS":         {"SILKGATE_EXIT_CUSTOMS": "HAMBURG:1234"},
		"SILKGATE_EXIT_CUSTOMS ":        {"SILKGATE_EXIT_CUSTOMS": "QINZHOU:72"},
		"SILKGATE_MONGO_SINGLE_CONNECTION": {"SILKGATE_ROLE": "api", "MONGO_URI": "mongodb://m:27017", "REDIS_URL": "redis://r:6379",
			"SILKGATE_MONGO_SINGLE_CONNECTION": "true"}, // the lock is one process's
		// Webhooks.
		"SILKGATE_WEBHOOK_TIMEOUT":       {"SILKGATE_WEBHOOK_TIMEOUT": "2m"},
		"SILKGATE_WEBHOOK_RETRY_BASE":    {"SILKGATE_WEBHOOK_RETRY_BASE": "3h"}, // above the cap
		"SILKGATE_WEBHOOK_MAX_ATTEMPTS":  {"SILKGATE_WEBHOOK_MAX_ATTEMPTS": "0"},
		"SILKGATE_WEBHOOK_ALLOW_PRIVATE": {"SILKGATE_WEBHOOK_ALLOW_PRIVATE": "maybe"},
	}
	for name, environ := range cases {
		_, err := Load(environ)
		if err == nil {
			t.Errorf("%v: no error", environ)
			continue
		}
		if !strings.Contains(err.Error(), strings.TrimSpace(name)) {
			t.Errorf("%v: error %q does not name %s", environ, err, name)
		}
	}
}

func TestSplitRolesWithRealStores(t *testing.T) {
	for _, role := range []string{"api", "worker"} {
		c, err := Load(map[string]string{"SILKGATE_ROLE": role, "MONGO_URI": "mongodb://m:27017", "REDIS_URL": "redis://r:6379"})
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		if c.RunsAPI() == c.RunsWorker() {
			t.Errorf("%s should run exactly one part", role)
		}
	}
}

func TestRetriesAndLimitsSettings(t *testing.T) {
	c, err := Load(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	if c.RateLimitKey != 300 || c.RateLimitKeyBurst != 600 || c.RateLimitOrg != 1000 || c.RateLimitOrgBurst != 2000 ||
		c.RateLimitAuthFailures != 1 || c.RateLimitAuthFailuresBurst != 30 ||
		c.IdempotencyTTL != 24*time.Hour || c.IdempotencyWait != 10*time.Second || c.IdempotencyMaxBody != 4<<20 {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if _, err := Load(map[string]string{"SILKGATE_RATE_LIMIT_KEY": "0", "SILKGATE_RATE_LIMIT_KEY_BURST": "0",
		"SILKGATE_RATE_LIMIT_ORG": "0", "SILKGATE_IDEMPOTENCY_WAIT": "0s"}); err != nil {
		t.Errorf("limits switched off: %v", err)
	}
	for name, environ := range map[string]map[string]string{
		"SILKGATE_RATE_LIMIT_KEY":                 {"SILKGATE_RATE_LIMIT_KEY": "-1"},
		"SILKGATE_RATE_LIMIT_KEY_BURST":           {"SILKGATE_RATE_LIMIT_KEY_BURST": "0"}, // the rate is on
		"SILKGATE_RATE_LIMIT_ORG":                 {"SILKGATE_RATE_LIMIT_ORG": "fast"},
		"SILKGATE_RATE_LIMIT_AUTH_FAILURES_BURST": {"SILKGATE_RATE_LIMIT_AUTH_FAILURES_BURST": "-3"},
		"SILKGATE_IDEMPOTENCY_TTL":                {"SILKGATE_IDEMPOTENCY_TTL": "1s"},
		"SILKGATE_IDEMPOTENCY_WAIT":               {"SILKGATE_IDEMPOTENCY_WAIT": "1h"},
		"SILKGATE_IDEMPOTENCY_MAX_BODY":           {"SILKGATE_IDEMPOTENCY_MAX_BODY": "10"},
	} {
		if _, err := Load(environ); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: error %v, want one naming %s", environ, err, name)
		}
	}
}
