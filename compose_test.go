package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"

	"github.com/silkgate/silkgate/config"
)

// No Docker engine runs where the tests run, so docker-compose.yml is checked by loading it with
// the compose-spec loader (the one docker compose uses): schema, interpolation, merge keys and
// normalisation, then the shape the deployment depends on.

const composeTestOperatorKey = "compose-test-operator-key-0123456789"

func composeDetails(t *testing.T, env types.Mapping) types.ConfigDetails {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return types.ConfigDetails{
		WorkingDir:  wd,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(wd, "docker-compose.yml")}},
		Environment: env,
	}
}

func loadCompose(t *testing.T) *types.Project {
	t.Helper()
	p, err := loader.LoadWithContext(context.Background(),
		composeDetails(t, types.Mapping{"SILKGATE_OPERATOR_KEY": composeTestOperatorKey}))
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

func composeService(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("service %s: %v", name, err)
	}
	return s
}

// isOneShot reports whether a service is meant to run once and exit (a replica-set initiator):
// it does not restart and nothing waits for it to be healthy, only for it to complete.
func isOneShot(p *types.Project, name string) bool {
	s, _ := p.GetService(name)
	if s.Restart != types.RestartPolicyNo {
		return false
	}
	for _, other := range p.Services {
		if d, ok := other.DependsOn[name]; ok && d.Condition != types.ServiceConditionCompletedSuccessfully {
			return false
		}
	}
	return true
}

func TestComposeLoads(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	for _, name := range []string{"mongo", "redis", "api", "worker"} {
		composeService(t, p, name)
	}
	if p.Name != "silkgate" {
		t.Errorf("project name = %q, want silkgate", p.Name)
	}
}

func TestComposeRequiresOperatorKey(t *testing.T) {
	t.Parallel()
	_, err := loader.LoadWithContext(context.Background(), composeDetails(t, types.Mapping{}))
	if err == nil || !strings.Contains(err.Error(), "SILKGATE_OPERATOR_KEY") {
		t.Fatalf("loading without SILKGATE_OPERATOR_KEY: err = %v, want an error naming the variable", err)
	}
}

func TestComposeHealthchecks(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	for name, s := range p.Services {
		if isOneShot(p, name) {
			continue
		}
		hc := s.HealthCheck
		if hc == nil || hc.Disable || len(hc.Test) < 2 {
			t.Errorf("service %s: no health check with a test command: %+v", name, hc)
			continue
		}
		if hc.Test[0] != "CMD" && hc.Test[0] != "CMD-SHELL" {
			t.Errorf("service %s: health check test starts with %q, want CMD or CMD-SHELL", name, hc.Test[0])
		}
	}
	mongo := composeService(t, p, "mongo").HealthCheck
	if mongo != nil && !slices.Contains(mongo.Test, "mongosh") {
		t.Errorf("mongo health check does not use mongosh: %q", mongo.Test)
	}
	if api := composeService(t, p, "api").HealthCheck; api != nil && !strings.Contains(strings.Join(api.Test, " "), "/readyz") {
		t.Errorf("api health check does not ask /readyz: %q", api.Test)
	}
}

func TestComposeMongoReplicaSet(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	mongo := composeService(t, p, "mongo")
	if !strings.HasPrefix(mongo.Image, "mongo:7") {
		t.Errorf("mongo image = %q, want mongo:7", mongo.Image)
	}
	if got := argAfter(mongo.Command, "--replSet"); got != "rs0" {
		t.Errorf("mongo command %q: --replSet %q, want rs0", mongo.Command, got)
	}
	if !slices.Contains(mongo.Command, "--bind_ip_all") {
		t.Errorf("mongo command %q lacks --bind_ip_all", mongo.Command)
	}
	// Someone must initiate the replica set: the health check or a one-shot service.
	initiates := func(words []string) bool { return strings.Contains(strings.Join(words, " "), "rs.initiate") }
	found := mongo.HealthCheck != nil && initiates(mongo.HealthCheck.Test)
	for name, s := range p.Services {
		if isOneShot(p, name) && initiates(append(append([]string{}, s.Entrypoint...), s.Command...)) {
			found = true
		}
	}
	if !found {
		t.Error("nothing runs rs.initiate: the replica set would never get a primary")
	}
}

func TestComposeRedisAppendOnly(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	redis := composeService(t, p, "redis")
	if !strings.HasPrefix(redis.Image, "redis:7") {
		t.Errorf("redis image = %q, want redis:7", redis.Image)
	}
	if got := argAfter(redis.Command, "--appendonly"); got != "yes" {
		t.Errorf("redis command %q: --appendonly %q, want yes", redis.Command, got)
	}
}

func TestComposeSilkgateServices(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	wd, _ := os.Getwd()
	for name, role := range map[string]string{"api": "api", "worker": "worker"} {
		s := composeService(t, p, name)
		if s.Build == nil {
			t.Errorf("%s: not built from the repository", name)
		} else {
			if filepath.Clean(s.Build.Context) != filepath.Clean(wd) {
				t.Errorf("%s: build context %q, want the repository root %q", name, s.Build.Context, wd)
			}
			if s.Build.Dockerfile != "Dockerfile" {
				t.Errorf("%s: dockerfile %q, want Dockerfile", name, s.Build.Dockerfile)
			}
		}
		env := map[string]string{}
		for k, v := range s.Environment {
			if v == nil {
				t.Errorf("%s: environment %s has no value", name, k)
				continue
			}
			env[k] = *v
		}
		if env["SILKGATE_ROLE"] != role {
			t.Errorf("%s: SILKGATE_ROLE = %q, want %q", name, env["SILKGATE_ROLE"], role)
		}
		checkStoreURL(t, p, name, "MONGO_URI", env["MONGO_URI"], "mongodb", "mongo", "27017")
		checkStoreURL(t, p, name, "REDIS_URL", env["REDIS_URL"], "redis", "redis", "6379")
		if u, err := url.Parse(env["MONGO_URI"]); err == nil && u.Query().Get("replicaSet") != "rs0" {
			t.Errorf("%s: MONGO_URI %q does not name replicaSet=rs0", name, env["MONGO_URI"])
		}
		if env["SILKGATE_OPERATOR_KEY"] != composeTestOperatorKey {
			t.Errorf("%s: SILKGATE_OPERATOR_KEY = %q, want the value from the environment", name, env["SILKGATE_OPERATOR_KEY"])
		}
		// The service's own configuration must accept what compose hands it.
		if _, err := config.Load(env); err != nil {
			t.Errorf("%s: the service would refuse this environment: %v", name, err)
		}
		for _, store := range []string{"mongo", "redis"} {
			d, ok := s.DependsOn[store]
			if !ok || d.Condition != types.ServiceConditionHealthy {
				t.Errorf("%s: depends_on %s = %+v, want condition service_healthy", name, store, d)
			}
		}
		for dep, d := range s.DependsOn {
			if isOneShot(p, dep) && d.Condition != types.ServiceConditionCompletedSuccessfully {
				t.Errorf("%s: depends_on %s (one-shot) = %q, want service_completed_successfully", name, dep, d.Condition)
			}
		}
		if s.Restart != types.RestartPolicyUnlessStopped {
			t.Errorf("%s: restart %q, want unless-stopped", name, s.Restart)
		}
	}

	api := composeService(t, p, "api")
	if env := api.Environment["SILKGATE_HTTP_ADDR"]; env == nil || *env != ":8080" {
		t.Errorf("api: SILKGATE_HTTP_ADDR = %v, want :8080", env)
	}
	published := false
	for _, port := range api.Ports {
		if port.Target == 8080 && port.Published == "8080" {
			published = true
		}
	}
	if !published {
		t.Errorf("api: ports %+v do not publish 8080:8080", api.Ports)
	}
	if w := composeService(t, p, "worker"); len(w.Ports) != 0 {
		t.Errorf("worker publishes ports %+v; it serves no HTTP", w.Ports)
	}
}

func checkStoreURL(t *testing.T, p *types.Project, service, variable, raw, scheme, host, port string) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Errorf("%s: %s %q: %v", service, variable, raw, err)
		return
	}
	if u.Scheme != scheme || u.Hostname() != host || u.Port() != port {
		t.Errorf("%s: %s = %q, want %s://%s:%s", service, variable, raw, scheme, host, port)
	}
	if _, err := p.GetService(host); err != nil {
		t.Errorf("%s: %s names host %q, which is no service", service, variable, host)
	}
}

func TestComposeNamedVolumes(t *testing.T) {
	t.Parallel()
	p := loadCompose(t)
	for service, mount := range map[string]struct{ volume, target string }{
		"mongo": {"mongo-data", "/data/db"},
		"redis": {"redis-data", "/data"},
	} {
		if _, ok := p.Volumes[mount.volume]; !ok {
			t.Errorf("volume %s is not declared at the top level", mount.volume)
		}
		s := composeService(t, p, service)
		mounted := false
		for _, v := range s.Volumes {
			if v.Type == types.VolumeTypeVolume && v.Source == mount.volume && v.Target == mount.target {
				mounted = true
			}
		}
		if !mounted {
			t.Errorf("%s: volume %s is not mounted at %s: %+v", service, mount.volume, mount.target, s.Volumes)
		}
	}
}

// argAfter returns the word after flag in a command, or "".
func argAfter(cmd []string, flag string) string {
	for i, w := range cmd {
		if w == flag && i+1 < len(cmd) {
			return cmd[i+1]
		}
		if v, ok := strings.CutPrefix(w, flag+"="); ok {
			return v
		}
	}
	return ""
}

func TestDockerfileGoVersion(t *testing.T) {
	t.Parallel()
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go\s+(\d+\.\d+)(\.\d+)?\s*$`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	want := string(m[1])

	df, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	from := regexp.MustCompile(`(?im)^FROM\s+(?:--platform=\S+\s+)?golang:(\d+\.\d+)(\S*)\s+AS\s+\S+`).FindSubmatch(df)
	if from == nil {
		t.Fatal("Dockerfile has no named build stage FROM golang:<version>")
	}
	if got := string(from[1]); got != want {
		t.Errorf("Dockerfile builds with golang:%s%s, go.mod asks for go %s", got, from[2], want)
	}
}

func TestDockerfileRuntime(t *testing.T) {
	t.Parallel()
	df, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	s := string(df)
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^RUN go mod download`),                                    // module layer cached on go.mod/go.sum
		regexp.MustCompile(`(?m)CGO_ENABLED=0`),                                           // static binary for the slim runtime
		regexp.MustCompile(`(?m)go build -trimpath -ldflags="-s -w" -o /out/silkgate \.`), // the root package is the service
		regexp.MustCompile(`(?m)^USER\s+\S+`),                                             // not root
		regexp.MustCompile(`(?m)^EXPOSE\s+8080\b`),
		regexp.MustCompile(`(?m)^ENTRYPOINT \["/usr/local/bin/silkgate"\]`),
		regexp.MustCompile(`(?m)SILKGATE_DATA_DIR=/var/lib/silkgate`),
		regexp.MustCompile(`(?m)install[^\n]*\bcurl\b`), // the api health check runs curl
	} {
		if !want.MatchString(s) {
			t.Errorf("Dockerfile lacks %s", want)
		}
	}
	if regexp.MustCompile(`(?m)^USER\s+(root|0)(:|\s|$)`).MatchString(s) {
		t.Error("Dockerfile runs as root")
	}
	// Copying go.mod and go.sum alone before the sources is what makes the download layer cacheable.
	if i, j := strings.Index(s, "COPY go.mod go.sum"), strings.Index(s, "COPY . ."); i < 0 || j < 0 || i > j {
		t.Error("Dockerfile should COPY go.mod go.sum, download modules, and only then COPY the sources")
	}
}
