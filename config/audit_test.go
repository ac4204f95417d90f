package config

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestTrustedProxiesAndAuditBuffer(t *testing.T) {
	c, err := Load(map[string]string{"SILKGATE_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7,::1"})
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32"), netip.MustParsePrefix("::1/128")}
	if got := c.TrustedProxyPrefixes(); !slices.Equal(got, want) {
		t.Errorf("trusted proxies %v, want %v", got, want)
	}
	if c.AuditBuffer != 4096 {
		t.Errorf("audit buffer %d, want 4096 by default", c.AuditBuffer)
	}
	if def, _ := Load(map[string]string{}); len(def.TrustedProxyPrefixes()) != 0 {
		t.Errorf("no proxy is trusted by default: %v", def.TrustedProxyPrefixes())
	}
	for env, name := range map[string]string{"SILKGATE_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal", "SILKGATE_AUDIT_BUFFER": "0"} {
		_, err := Load(map[string]string{env: name})
		if err == nil || !strings.Contains(err.Error(), env) {
			t.Errorf("%s=%s: %v, want an error naming the variable", env, name, err)
		}
	}
}
