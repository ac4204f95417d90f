package http

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"go.yaml.in/yaml/v3"
)

// The OpenAPI document is kept true by these tests: every route the server registers is
// documented, every documented operation is a route, and the operations answer what the
// conventions promise (2xx, and 401 under /v1 where the bearer key is checked).

type openAPIDoc struct {
	OpenAPI    string                          `yaml:"openapi"`
	Info       map[string]any                  `yaml:"info"`
	Security   []map[string][]string           `yaml:"security"`
	Paths      map[string]map[string]yaml.Node `yaml:"paths"`
	Components struct {
		Schemas         map[string]any `yaml:"schemas"`
		SecuritySchemes map[string]any `yaml:"securitySchemes"`
	} `yaml:"components"`
}

type openAPIOperation struct {
	OperationID string                 `yaml:"operationId"`
	Security    *[]map[string][]string `yaml:"security"`
	Responses   map[string]any         `yaml:"responses"`
	Parameters  []openAPIParam         `yaml:"parameters"`
}

type openAPIParam struct {
	Ref string `yaml:"$ref"`
}

// httpMethods are the keys of an OpenAPI path item that are operations (the others are
// summary, description, servers and parameters).
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

func loadOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	if len(openAPIDocument) == 0 {
		t.Fatal("openapi.yaml is empty")
	}
	var doc openAPIDoc
	if err := yaml.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatalf("openapi.yaml does not parse: %v", err)
	}
	return doc
}

// documentedOperations returns "METHOD /path" → operation for every operation in the document.
func documentedOperations(t *testing.T, doc openAPIDoc) map[string]openAPIOperation {
	t.Helper()
	ops := map[string]openAPIOperation{}
	for path, item := range doc.Paths {
		for key, node := range item {
			if !slices.Contains(httpMethods, key) {
				continue
			}
			var op openAPIOperation
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", strings.ToUpper(key), path, err)
			}
			ops[strings.ToUpper(key)+" "+path] = op
		}
	}
	return ops
}

var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// registeredRoutes returns "METHOD /path", as registered (fiber's path syntax), for every route
// the server serves with a handler of its own whose method keep accepts: middleware (Use,
// groups) is left out.
func registeredRoutes(keep func(method string) bool) []string {
	f := New(UseCases{}, Options{})
	seen := map[string]bool{}
	for _, r := range f.GetRoutes(true) { // true: without Use and group middleware
		if len(r.Handlers) > 0 && keep(r.Method) {
			seen[r.Method+" "+r.Path] = true
		}
	}
	routes := make([]string, 0, len(seen))
	for r := range seen {
		routes = append(routes, r)
	}
	sort.Strings(routes)
	return routes
}

// servedRoutes returns "METHOD /path" (OpenAPI path syntax) for every route the server serves
// with a handler of its own: HEAD (fiber adds one to every GET) and CONNECT are left out.
func servedRoutes(t *testing.T) []string {
	t.Helper()
	routes := registeredRoutes(func(m string) bool { return m != fiber.MethodHead && m != fiber.MethodConnect })
	for i, r := range routes {
		if strings.ContainsAny(r, "*+?") {
			t.Errorf("%s: wildcard and optional parameters have no OpenAPI form; name them", r)
		}
		routes[i] = fiberParam.ReplaceAllString(r, "{$1}")
	}
	sort.Strings(routes)
	return routes
}

func TestOpenAPIDocumentIsOpenAPI3(t *testing.T) {
	doc := loadOpenAPI(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if doc.Info["title"] != "Silkgate" || doc.Info["version"] == nil || doc.Info["description"] == nil {
		t.Errorf("info = %v, want title Silkgate, a version and a description", doc.Info)
	}
	if _, ok := doc.Components.SecuritySchemes["bearerAuth"]; !ok {
		t.Error("components.securitySchemes has no bearerAuth")
	}
	for _, name := range []string{"Org", "OrgCreate", "OrgPatch", "Contact", "ApiKey", "ApiKeyCreate",
		"Authorization", "AuthorizationCreate", "Problem"} {
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("components.schemas has no %s", name)
		}
	}
	// Every $ref must point at something the document defines.
	var all any
	if err := yaml.Unmarshal(openAPIDocument, &all); err != nil {
		t.Fatal(err)
	}
	walkRefs(all, func(ref string) {
		if !strings.HasPrefix(ref, "#/") {
			t.Errorf("$ref %q is not local", ref)
			return
		}
		var node any = all
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			m, ok := node.(map[string]any)
			if !ok {
				node = nil
				break
			}
			node = m[strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")]
		}
		if node == nil {
			t.Errorf("$ref %q points at nothing", ref)
		}
	})
}

func walkRefs(v any, visit func(string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				visit(s)
				continue
			}
			walkRefs(x, visit)
		}
	case []any:
		for _, x := range v {
			walkRefs(x, visit)
		}
	}
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	ops := documentedOperations(t, loadOpenAPI(t))
	routes := servedRoutes(t)
	if len(routes) == 0 {
		t.Fatal("the server registers no routes")
	}
	for _, r := range routes {
		if _, ok := ops[r]; !ok {
			t.Errorf("route %s is not in openapi.yaml", r)
		}
	}
	for op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("openapi.yaml documents %s, which the server does not serve", op)
		}
	}
}

// keylessRoutes are the routes under /v1 that need no bearer, each with the reason (authenticate
// lets exactly these through).
var keylessRoutes = map[string]string{
	"POST /v1/sessions": "signing in is what gets a user's bearer",
}

func TestOpenAPIOperationResponses(t *testing.T) {
	doc := loadOpenAPI(t)
	globalBearer := slices.ContainsFunc(doc.Security, func(s map[string][]string) bool { _, ok := s["bearerAuth"]; return ok })
	ids := map[string]string{}
	for name, op := range documentedOperations(t, doc) {
		path := strings.SplitN(name, " ", 2)[1]
		if op.OperationID == "" {
			t.Errorf("%s has no operationId", name)
		} else if other, dup := ids[op.OperationID]; dup {
			t.Errorf("%s and %s share operationId %q", name, other, op.OperationID)
		}
		ids[op.OperationID] = name

		ok2xx := false
		for status := range op.Responses {
			if len(status) == 3 && status[0] == '2' {
				ok2xx = true
			}
		}
		if !ok2xx {
			t.Errorf("%s declares no 2xx response", name)
		}

		secured := globalBearer
		if op.Security != nil {
			secured = slices.ContainsFunc(*op.Security, func(s map[string][]string) bool { _, ok := s["bearerAuth"]; return ok })
		}
		if strings.HasPrefix(path, "/v1/") && keylessRoutes[name] == "" {
			if _, ok := op.Responses["401"]; !ok {
				t.Errorf("%s is under /v1 (bearer key required) but declares no 401", name)
			}
			if !secured {
				t.Errorf("%s is under /v1 but not secured by bearerAuth", name)
			}
			// Every /v1 request is rate-limited, and every POST takes an Idempotency-Key (guard.go).
			if _, ok := op.Responses["429"]; !ok {
				t.Errorf("%s is under /v1 (rate-limited) but declares no 429", name)
			}
			if strings.HasPrefix(name, "POST ") {
				if !slices.Contains(op.Parameters, openAPIParam{Ref: "#/components/parameters/IdempotencyKey"}) {
					t.Errorf("%s is a POST but does not take the IdempotencyKey parameter", name)
				}
				for _, status := range []string{"409", "503"} {
					if _, ok := op.Responses[status]; !ok {
						t.Errorf("%s is a POST (Idempotency-Key) but declares no %s", name, status)
					}
				}
			}
		} else if secured {
			t.Errorf("%s needs no key but the document says it does (set security: [])", name)
		}
	}
}
