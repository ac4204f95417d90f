package http

import (
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/valyala/fasthttp"
	"go.yaml.in/yaml/v3"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/account"
	"github.com/silkgate/silkgate/domain/bonded"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/rail"
	"github.com/silkgate/silkgate/domain/webhook"
)

// jsonBody reads a body the way a route's handler does — decodeJSON into the handler's request
// type — and then applies the checks the handler applies that need no store. It returns the
// decoded request, for the round trip, and the first error.
type jsonBody func(c *fiber.Ctx) (any, error)

// decodeAs decodes into a new T with decodeJSON and then runs check on it, when given.
func decodeAs[T any](check func(*T) error) jsonBody {
	return func(c *fiber.Ctx) (any, error) {
		var v T
		if err := decodeJSON(c, &v); err != nil {
			return nil, err
		}
		if check != nil {
			return &v, check(&v)
		}
		return &v, nil
	}
}

var fuzzNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// jsonBodies holds every route that takes a JSON body, by "METHOD path" as registered.
var jsonBodies = map[string]jsonBody{
	"POST /v1/orgs": decodeAs(func(r *registerOrgRequest) error {
		_, err := party.NewOrg("org_fuzz", party.Kind(r.Kind), party.OrgFields{Name: r.Name, NameEn: r.NameEn, USCC: r.USCC,
			CustomsCode: r.CustomsCode, Contact: r.Contact.domain()}, fuzzNow)
		return err
	}),
	"PATCH /v1/orgs/:id":         decodeAs(func(r *patchOrgRequest) error { _ = r.Contact.domain(); return nil }),
	"POST /v1/orgs/:id/api-keys": decodeAs[issueAPIKeyRequest](nil),
	"POST /v1/bonded-accounts": decodeAs(func(r *bondedAccountRequest) error {
		_, err := bonded.NewAccount(bonded.AccountInput{EmsNo: r.EmsNo, FirmOrgID: r.FirmID, FirmCode: "4206360A21",
			FirmName: "襄阳", CustomsCode: r.CustomsCode}, fuzzNow)
		return err
	}),
	"PUT /v1/bonded-accounts/:emsNo/state": decodeAs[bondedStateRequest](nil),
	"POST /v1/bonded-accounts/:emsNo/items": decodeAs(func(r *itemRecordRequest) error {
		_, err := bonded.NewStock(bonded.StockInput{EmsNo: "T4206W000001", ItemRecordNo: r.ItemRecordNo, Gcode: r.Gcode,
			Gname: r.Gname, Unit: r.Unit, LegalUnit: r.LegalUnit}, fuzzNow)
		return err
	}),
	"POST /v1/bonded-accounts/:emsNo/receipts": decodeAs[stockReceiptRequest](nil),
	"POST /v1/authorizations": decodeAs(func(r *authorizationRequest) error {
		var v domain.Violations
		parseTime(&v, "validFrom", r.ValidFrom)
		parseTime(&v, "validTo", r.ValidTo)
		return v.Err()
	}),
	"POST /v1/parcels":      decodeAs(validateDraft),
	"PATCH /v1/parcels/:id": decodeAs(validateDraft),
	"POST /v1/parcels/batch": decodeAs(func(r *batchRequest) error {
		if len(r.Parcels) == 0 || len(r.Parcels) > app.MaxBatch {
			return domain.InvalidField("parcels", "invalid_batch_size", "send 1 to 1000 parcels")
		}
		for _, raw := range r.Parcels {
			d, problems := decodeDraft(raw)
			for _, p := range problems {
				if p.Code == "" {
					return errors.New("a parcel's decoding problem without a code: " + p.Message)
				}
			}
			if len(problems) == 0 {
				if err := validateDraft(&d); err != nil && !isDomainError(err) {
					return err
				}
			}
		}
		return nil
	}),
	"POST /v1/parcels/arrivals":   decodeAs[arrivalRequest](nil),
	"POST /v1/parcels/:id/cancel": decodeAs[cancelRequest](nil),
	"POST /v1/declarations": decodeAs(func(r *createDeclarationRequest) error {
		if r.Entry == nil {
			return nil
		}
		_, err := customs.NewEntry("dcl_fuzz", "org_filer", "org_exporter", *r.Entry, fuzzNow, "fuzz")
		return err
	}),
	"POST /v1/declarations/submit":    decodeAs[submitRequest](nil),
	"PUT /v1/routes/:code":            decodeAs(func(r *routeView) error { _, err := rail.ValidateLine(r.line()); return err }),
	"POST /v1/routes/:code/timetable": decodeAs[timetableRequest](nil),
	"POST /v1/departures": decodeAs(func(r *departureRequest) error {
		var v domain.Violations
		parseTime(&v, "departsAt", r.DepartsAt)
		parseTime(&v, "bookingOpensAt", r.BookingOpensAt)
		parseTime(&v, "cutoffAt", r.CutoffAt)
		return v.Err()
	}),
	"POST /v1/departures/:id/events": decodeAs(func(r *eventRequest) error {
		var v domain.Violations
		e := rail.Event{Type: r.Type, At: parseTime(&v, "at", r.At), Location: r.Location, Note: r.Note}
		if err := v.Err(); err != nil {
			return err
		}
		return rail.CheckEvent(e)
	}),
	"POST /v1/departures/:id/cancel": decodeAs[cancelRequest](nil),
	"POST /v1/bookings": decodeAs(func(r *bookingRequest) error {
		_, err := rail.ValidateBookingRequest(rail.BookingRequest{DepartureID: r.DepartureID, ExporterID: r.ExporterID, BookedBy: "org_fuzz",
			Containers: r.Containers, GrossKg: r.GrossKg, CargoDescription: r.CargoDescription, HSCodes: r.HSCodes,
			AllowWaitlist: r.AllowWaitlist, Consignee: r.Consignee})
		return err
	}),
	"POST /v1/bookings/:id/cancel": decodeAs[cancelRequest](nil),
	"POST /v1/bookings/:id/containers": decodeAs(func(r *containerRequest) error {
		if r.ContainerNo == "" {
			return nil
		}
		return rail.CheckContainerNo(r.ContainerNo)
	}),
	"POST /v1/webhooks": decodeAs(func(r *webhookRequest) error {
		_, err := webhook.New("whk_fuzz", "org_fuzz", webhook.Draft{URL: r.URL, EventTypes: r.EventTypes,
			Description: r.Description, Enabled: r.Enabled}, fuzzNow)
		return err
	}),
	"PATCH /v1/webhooks/:id": decodeAs(func(r *webhookPatch) error {
		url := "https://erp.example.com/hook"
		s, err := webhook.New("whk_fuzz", "org_fuzz", webhook.Draft{URL: &url, EventTypes: []string{"parcel.*"}}, fuzzNow)
		if err != nil {
			return err
		}
		return s.Apply(webhook.Draft{URL: r.URL, EventTypes: r.EventTypes, Description: r.Description, Enabled: r.Enabled}, fuzzNow)
	}),
	// Users (users.go): the checks account.Check and account.CheckPassword make before any store.
	"POST /v1/orgs/:id/users": decodeAs(func(r *createUserRequest) error {
		return account.Check(account.Fields{OrgID: "org_fuzz", Email: r.Email, Name: r.Name, Role: account.Role(r.Role)}, r.Password)
	}),
	"POST /v1/sessions": decodeAs[signInRequest](nil),
	"POST /v1/users/me/password": decodeAs(func(r *changePasswordRequest) error {
		return account.CheckPassword("newPassword", r.NewPassword)
	}),
}

// validateDraft is parcel.Validate as the service applies it: to a draft whose exporter is the
// caller's when the body names none.
func validateDraft(d *parcel.Draft) error {
	v := *d
	if v.ExporterID == "" {
		v.ExporterID = "org_fuzz"
	}
	_, err := parcel.Validate(v)
	return err
}

// noJSONBody are the routes with a method that may carry a body that take no JSON.
var noJSONBody = map[string]string{
	"POST /v1/parcels/import":                                "multipart/form-data",
	"POST /v1/singlewindow/receipts":                         "the customs' XML receipts",
	"POST /v1/authorizations/:id/confirm":                    "no body",
	"POST /v1/authorizations/:id/revoke":                     "no body",
	"POST /v1/declarations/:id/submit":                       "no body",
	"POST /v1/declarations/:id/generated-entry":              "no body",
	"POST /v1/webhooks/:id/rotate-secret":                    "no body",
	"POST /v1/webhooks/:id/ping":                             "no body",
	"POST /v1/webhooks/:id/deliveries/:deliveryId/redeliver": "no body",
}

// bodyRoutes are the served POST, PUT and PATCH routes, as registered.
func bodyRoutes() []string {
	return registeredRoutes(func(m string) bool {
		return m == fiber.MethodPost || m == fiber.MethodPut || m == fiber.MethodPatch
	})
}

// TestJSONBodiesCoverEveryRoute fails when a route that may carry a body is added without an
// entry in jsonBodies (or, when it takes no JSON, in noJSONBody), and when an entry names a route
// the server no longer serves.
func TestJSONBodiesCoverEveryRoute(t *testing.T) {
	routes := bodyRoutes()
	for _, r := range routes {
		_, isJSON := jsonBodies[r]
		_, other := noJSONBody[r]
		switch {
		case !isJSON && !other:
			t.Errorf("%s: add its body to jsonBodies (fuzz_json_test.go), or to noJSONBody when it takes no JSON", r)
		case isJSON && other:
			t.Errorf("%s: in both jsonBodies and noJSONBody", r)
		}
	}
	for r := range jsonBodies {
		if !slices.Contains(routes, r) {
			t.Errorf("jsonBodies: %s is not served", r)
		}
	}
	for r := range noJSONBody {
		if !slices.Contains(routes, r) {
			t.Errorf("noJSONBody: %s is not served", r)
		}
	}
}

// jsonRoutes is jsonBodies' routes in order, for the fuzzer to pick by index.
var jsonRoutes = func() []string {
	rs := make([]string, 0, len(jsonBodies))
	for r := range jsonBodies {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return rs
}()

// requestExamples are the examples openapi.yaml gives for request bodies, by "METHOD path" in
// fiber's syntax.
func requestExamples(t testing.TB) map[string][]byte {
	var doc struct {
		Paths      map[string]map[string]any `yaml:"paths"`
		Components struct {
			Schemas map[string]map[string]any `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for path, item := range doc.Paths {
		for method, op := range item {
			body, _ := dig(op, "requestBody", "content", "application/json").(map[string]any)
			if body == nil {
				continue
			}
			ex := body["example"]
			if ex == nil {
				if ref, _ := dig(body, "schema", "$ref").(string); ref != "" {
					ex = doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]["example"]
				}
			}
			if ex == nil {
				continue
			}
			b, err := json.Marshal(ex)
			if err != nil {
				continue
			}
			out[strings.ToUpper(method)+" "+openAPIToFiber(path)] = b
		}
	}
	return out
}

func openAPIToFiber(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '{':
			b.WriteByte(':')
		case '}':
		default:
			b.WriteByte(path[i])
		}
	}
	return b.String()
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

const fuzzParcel = `{"tradeMode":"9610","orderNo":"SO-1","logisticsCode":"4206980001","logisticsNo":"XY1",` +
	`"consignee":{"name":"Jan Nowak","country":"PL","city":"Kraków","address":"Rynek Główny 1"},"destinationCountry":"PL",` +
	`"currency":"EUR","items":[{"gcode":"8518300000","gname":"蓝牙耳机","gmodel":"TWS|黑色","qty":"1","unit":"007",` +
	`"price":"19.90","originCountry":"CN"}],"grossWeightKg":"0.25","netWeightKg":"0.15"}`

// readmeBodies are valid bodies from README's walkthrough, for the routes openapi.yaml gives no
// example of.
var readmeBodies = map[string]string{
	"POST /v1/orgs": `{"kind": "exporter", "name": "襄阳新材料出口有限公司", "nameEn": "Xiangyang New Materials Export Co.",
		"uscc": "91420600MA49DEM01W", "customsCode": "4206360B07",
		"contact": {"name": "张伟", "phone": "+86 710 3256 010", "email": "export@example.com"}}`,
	"PATCH /v1/orgs/:id":         `{"nameEn": "Xiangyang", "autoConfirmAuthorizations": true, "contact": {"name": "李娜"}}`,
	"POST /v1/orgs/:id/api-keys": `{"name":"shop system"}`,
	"POST /v1/authorizations": `{"exporterId": "org_demo_exporter_auto", "brokerId": "org_demo_broker", "tradeModes": ["9610", "1210"],
		"validFrom": "2026-03-02T00:00:00Z", "validTo": "2027-03-02T00:00:00Z"}`,
	"POST /v1/bonded-accounts":                 `{"emsNo": "T4700W000002", "firmId": "org_demo_exporter", "customsCode": "4700"}`,
	"PUT /v1/bonded-accounts/:emsNo/state":     `{"state": "suspended"}`,
	"POST /v1/bonded-accounts/:emsNo/items":    `{"itemRecordNo": "SR-EB-009", "gcode": "8518300000", "gname": "蓝牙耳机", "unit": "007", "legalUnit": "007"}`,
	"POST /v1/bonded-accounts/:emsNo/receipts": `{"ref": "RK-WALK-0001", "lines": [{"itemRecordNo": "SR-EB-001", "qty": "100"}]}`,
	"POST /v1/declarations":                    `{"kind": "cancel", "declarationId": "inv_4206980001_XY240901002_1", "reason": "order withdrawn"}`,
	"POST /v1/declarations/submit":             `{"ids": ["inv_4206980001_XY240901001_1", "inv_4206980001_XY240901002_1"]}`,
	"POST /v1/parcels/arrivals":                `{"parcelIds": ["pcl_4206980001_XY240901001"], "domesticTrafNo": "鄂F·A1234"}`,
	"POST /v1/routes/:code/timetable":          `{"weeks": 8}`,
	"POST /v1/departures":                      `{"routeCode": "XQM", "departsAt": "2026-04-11T02:00:00Z", "capacityTEU": 80}`,
	"POST /v1/bookings/:id/containers":         `{"containerNo": "CSQU3054383", "type": "40HQ", "sealNo": "SG123456", "parcelIds": ["pcl_4206980001_XY240901001"]}`,
	"POST /v1/parcels/:id/cancel":              `{"reason": "order withdrawn"}`,
	"POST /v1/bookings/:id/cancel":             `{"reason": "no cargo"}`,
}

// hostileBodies go to two routes each (FuzzJSONBodies).
var hostileBodies = []string{
	``, ` `, `null`, `{}`, `[]`, `"x"`, `0`, `{"a":1}`, `{} {}`, `{"name":"x"}x`,
	strings.Repeat(`[`, 10_000) + strings.Repeat(`]`, 10_000),
	`{"items":` + strings.Repeat(`[`, 5000) + strings.Repeat(`]`, 5000) + `}`,
	`{"qty":1e400,"weeks":1e400,"grossKg":99999999999999999999999,"capacityTEU":-0,"price":"NaN","grossWeightKg":"Infinity"}`,
	`{"name":"a","name":"b","kind":"exporter","kind":"broker"}`,
	"{\"name\":\"\xff\xfe\",\"reason\":\"\xed\xa0\x80\"}",
	"{\"name\":\"a\\u0000b\\u001f\\ufffe\",\"note\":\"\\ud800\"}",
	`{"items":[{"qty":"1.00001","price":"-0","totalPrice":"1e3"}]}`,
	`{"parcels":[null,1,"x",{},` + fuzzParcel + `]}`,
	`{"weekdays":[7,-1,99999999999],"transitDays":-1,"departureTime":"25:61"}`,
	`{"at":"2026-13-45T99:99:99Z","departsAt":"0000-00-00","validFrom":"9999-12-31T23:59:59Z"}`,
}

// FuzzJSONBodies runs bodies through every JSON route's decoding and the checks that follow it
// without a store. Whatever the body: no panic; an error is one the error handler shows as a
// problem with a code (never a 500); and a body that decodes encodes back to JSON that decodes
// to the same value.
//
//	go test ./adapters/http -run '^$' -fuzz FuzzJSONBodies -fuzztime 20s -fuzzminimizetime 10x
func FuzzJSONBodies(f *testing.F) {
	examples := requestExamples(f)
	for i, r := range jsonRoutes {
		if ex, ok := examples[r]; ok {
			f.Add(uint8(i), ex)
		}
		if b, ok := readmeBodies[r]; ok {
			f.Add(uint8(i), []byte(b))
		}
	}
	// Each hostile body to two routes (the engine moves them to others): every one to every
	// route would make the baseline alone outlast a CI run.
	for k, h := range hostileBodies {
		f.Add(uint8(k%len(jsonRoutes)), []byte(h))
		f.Add(uint8((k+len(jsonRoutes)/2)%len(jsonRoutes)), []byte(h))
	}
	for _, r := range []string{"POST /v1/parcels", "PATCH /v1/parcels/:id"} {
		f.Add(uint8(slices.Index(jsonRoutes, r)), []byte(fuzzParcel))
	}
	f.Add(uint8(slices.Index(jsonRoutes, "POST /v1/parcels/batch")), []byte(`{"parcels":[`+fuzzParcel+`,`+fuzzParcel+`]}`))
	app := fiber.New()
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		name := jsonRoutes[int(route)%len(jsonRoutes)]
		read := jsonBodies[name]
		v, err := readBody(app, read, body)
		if err != nil {
			if status, code := problemOf(err); status >= 500 || code == "" {
				t.Fatalf("%s: %T %v → %d %q", name, err, err, status, code)
			}
			if v == nil {
				return
			}
		}
		// The round trip: what decoded encodes, and decodes again to the same.
		once, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: %v does not encode: %v", name, v, err)
		}
		v2, err := readBody(app, decodeOnly(read), once)
		if err != nil {
			t.Fatalf("%s: %s does not decode again: %v", name, once, err)
		}
		twice, err := json.Marshal(v2)
		if err != nil {
			t.Fatal(err)
		}
		if string(once) != string(twice) {
			t.Fatalf("%s: round trip\n%s\n%s", name, once, twice)
		}
	})
}

// decodeOnly is read without its checks: the round trip compares decoding alone.
func decodeOnly(read jsonBody) jsonBody {
	return func(c *fiber.Ctx) (any, error) {
		if v, err := read(c); v == nil {
			return nil, err
		} else {
			return v, nil // decoded, whatever the checks say
		}
	}
}

func isDomainError(err error) bool {
	var de *domain.Error
	return errors.As(err, &de) && de.Kind != domain.KindInternal && de.Code != ""
}

// readBody hands body to read as a request with a JSON content type.
func readBody(app *fiber.App, read jsonBody, body []byte) (any, error) {
	rc := &fasthttp.RequestCtx{}
	rc.Request.Header.SetMethod(fiber.MethodPost)
	rc.Request.Header.SetContentType(fiber.MIMEApplicationJSON)
	rc.Request.SetBody(body)
	c := app.AcquireCtx(rc)
	defer app.ReleaseCtx(c)
	return read(c)
}

// problemOf is the status and code errorHandler gives err.
func problemOf(err error) (int, domain.Code) {
	var (
		de *domain.Error
		br *badRequest
		fe *fiber.Error
	)
	switch {
	case errors.As(err, &br):
		return fiber.StatusBadRequest, br.code
	case errors.As(err, &de) && de.Kind != domain.KindInternal:
		if s := statusOf[de.Kind]; s != 0 {
			return s, de.Code
		}
		return fiber.StatusInternalServerError, de.Code
	case errors.As(err, &fe):
		return fe.Code, domain.Code(slug(utils.StatusMessage(fe.Code)))
	}
	return fiber.StatusInternalServerError, ""
}

// TestJSONBodiesAcceptValidExamples: the valid seeds pass jsonBodies' decoding and checks, so
// that what the fuzzer starts from reaches past them.
func TestJSONBodiesAcceptValidExamples(t *testing.T) {
	app := fiber.New()
	valid := map[string]string{"POST /v1/parcels": fuzzParcel, "PATCH /v1/parcels/:id": fuzzParcel,
		"POST /v1/parcels/batch": `{"parcels":[` + fuzzParcel + `]}`}
	for r, b := range readmeBodies {
		valid[r] = b
	}
	for r, b := range requestExamples(t) {
		if _, ok := valid[r]; !ok {
			valid[r] = string(b)
		}
	}
	for r, b := range valid {
		read, ok := jsonBodies[r]
		if !ok {
			t.Errorf("%s: an example of a route not in jsonBodies", r)
			continue
		}
		if _, err := readBody(app, read, []byte(b)); err != nil {
			t.Errorf("%s: %v\n%s", r, err, b)
		}
	}
}
