package web

import (
	"fmt"
	"strings"
)

// Lang is a language the console speaks: 中文 by default, English at the switch.
type Lang string

// The console's languages.
const (
	LangZh Lang = "zh"
	LangEn Lang = "en"
)

// msg is one text in both languages.
type msg struct{ zh, en string }

// messages is the console's one catalogue: every label, status and error a person reads, by key.
// A page asks for a key with {{t "key"}} (or {{tf "key" args}}); TestCatalogue checks that every
// key has both languages and that every key a template names is here.
var messages = map[string]msg{
	"app.name":       {"丝路通关控制台", "Silkgate console"},
	"app.skip":       {"跳到正文", "Skip to content"},
	"nav.label":      {"主导航", "Main navigation"},
	"nav.home":       {"首页", "Home"},
	"nav.parcels":    {"包裹", "Parcels"},
	"nav.track":      {"轨迹查询", "Tracking"},
	"nav.orgs":       {"组织", "Organisations"},
	"nav.members":    {"成员", "Members"},
	"nav.password":   {"修改密码", "Change password"},
	"nav.signout":    {"退出登录", "Sign out"},
	"lang.label":     {"语言", "Language"},
	"lang.switch":    {"English", "中文"},
	"lang.switch.to": {"切换到英文", "Switch to Chinese"},

	"signin.title":    {"登录", "Sign in"},
	"signin.email":    {"电子邮箱", "Email"},
	"signin.password": {"密码", "Password"},
	"signin.submit":   {"登录", "Sign in"},
	"signin.intro":    {"使用组织管理员为您创建的账户登录。", "Sign in with the account your organisation's admin made for you."},
	"signout.done":    {"您已退出登录。", "You have signed out."},

	"home.title":    {"首页", "Home"},
	"home.greeting": {"您好，%s", "Hello, %s"},
	"home.org":      {"您的组织", "Your organisation"},
	"home.role":     {"您的角色", "Your role"},
	"home.next":     {"常用操作", "Common tasks"},

	"password.title":   {"修改密码", "Change password"},
	"password.current": {"当前密码", "Current password"},
	"password.new":     {"新密码", "New password"},
	"password.hint":    {"至少 10 个字符。修改后，您在其他设备上的登录将被退出。", "At least 10 characters. Your sessions on other devices are closed."},
	"password.submit":  {"保存新密码", "Save new password"},
	"password.done":    {"密码已修改。", "Your password is changed."},

	"orgs.title":         {"组织", "Organisations"},
	"orgs.kind":          {"类型", "Kind"},
	"orgs.name":          {"名称", "Name"},
	"orgs.id":            {"编号", "ID"},
	"orgs.code":          {"海关编码", "Customs code"},
	"orgs.users":         {"用户", "Users"},
	"orgs.filter":        {"筛选", "Filter"},
	"orgs.kind.all":      {"全部类型", "All kinds"},
	"users.title":        {"%s 的用户", "Users of %s"},
	"users.empty":        {"还没有用户。", "No users yet."},
	"users.create":       {"添加用户", "Add a user"},
	"users.first":        {"为该组织创建第一个管理员。", "Create the organisation's first admin."},
	"users.created":      {"已添加用户 %s。请通过安全渠道把初始密码告诉对方。", "User %s was added. Tell them the first password through a safe channel."},
	"members.title":      {"成员", "Members"},
	"members.invite":     {"邀请成员", "Invite a member"},
	"user.name":          {"姓名", "Name"},
	"user.email":         {"电子邮箱", "Email"},
	"user.role":          {"角色", "Role"},
	"user.password":      {"初始密码", "First password"},
	"user.created":       {"创建时间", "Created"},
	"user.password.hint": {"至少 10 个字符；对方登录后可自行修改。", "At least 10 characters; they can change it once signed in."},
	"role.admin":         {"管理员", "Admin"},
	"role.member":        {"成员", "Member"},
	"role.key":           {"API 密钥", "API key"},

	"kind.operator": {"运营方", "Operator"},
	"kind.exporter": {"出口企业", "Exporter"},
	"kind.broker":   {"报关企业", "Customs broker"},
	"kind.carrier":  {"物流企业", "Carrier"},
	"kind.platform": {"电商平台", "E-commerce platform"},
	"kind.payment":  {"支付企业", "Payment firm"},

	"parcels.title":        {"包裹", "Parcels"},
	"parcels.status":       {"状态", "Status"},
	"parcels.status.all":   {"全部状态", "All statuses"},
	"parcels.logisticsNo":  {"运单号", "Waybill number"},
	"parcels.orderNo":      {"订单号", "Order number"},
	"parcels.search":       {"查询", "Search"},
	"parcels.reset":        {"清除筛选", "Clear filters"},
	"parcels.empty":        {"没有符合条件的包裹。", "No parcels match."},
	"parcels.created":      {"登记时间", "Registered"},
	"parcels.consignee":    {"收件人", "Consignee"},
	"parcels.destination":  {"目的国", "Destination"},
	"parcels.tradeMode":    {"贸易方式", "Trade mode"},
	"parcels.exporter":     {"出口企业", "Exporter"},
	"parcels.open":         {"查看包裹 %s", "Open parcel %s"},
	"parcel.title":         {"包裹 %s", "Parcel %s"},
	"parcel.details":       {"基本信息", "Details"},
	"parcel.items":         {"商品", "Goods"},
	"parcel.item.gname":    {"品名", "Description"},
	"parcel.item.gcode":    {"商品编码", "HS code"},
	"parcel.item.qty":      {"数量", "Quantity"},
	"parcel.item.total":    {"总价", "Total"},
	"parcel.gross":         {"毛重（千克）", "Gross weight (kg)"},
	"parcel.currency":      {"币制", "Currency"},
	"parcel.timeline":      {"轨迹", "Timeline"},
	"parcel.when":          {"时间", "When"},
	"parcel.what":          {"事件", "Event"},
	"parcel.detail":        {"说明", "Detail"},
	"parcel.rejectReason":  {"退单原因", "Reason for rejection"},
	"parcel.container":     {"集装箱", "Container"},
	"parcel.carrier":       {"物流企业代码", "Carrier code"},
	"track.title":          {"轨迹查询", "Track a parcel"},
	"track.intro":          {"输入运单号查询包裹的状态与轨迹。", "Enter a waybill number to see a parcel's status and timeline."},
	"track.carrier":        {"物流企业代码（可选）", "Carrier code (optional)"},
	"track.submit":         {"查询", "Track"},
	"track.notfound":       {"没有找到该运单号的包裹。", "No parcel with this waybill number."},
	"status.registered":    {"已登记", "Registered"},
	"status.declared":      {"已申报", "Declared"},
	"status.accepted":      {"海关已接受", "Accepted by customs"},
	"status.inspection":    {"查验", "Inspection"},
	"status.released":      {"已放行", "Released"},
	"status.loaded":        {"已装箱", "Loaded"},
	"status.departed":      {"已发运", "Departed"},
	"status.arrived":       {"已到达", "Arrived"},
	"status.rejected":      {"退单", "Rejected"},
	"status.cancelled":     {"已撤销", "Cancelled"},
	"status.withdrawn":     {"已撤单", "Withdrawn"},
	"page.next":            {"下一页", "Next page"},
	"page.first":           {"第一页", "First page"},
	"page.label":           {"分页", "Pages"},
	"page.count":           {"本页 %d 条", "%d on this page"},
	"form.required":        {"必填", "required"},
	"form.errors":          {"请更正以下问题：", "Please correct the following:"},
	"error.title":          {"出错了", "Something went wrong"},
	"error.notfound.title": {"页面不存在", "Page not found"},
	"error.notfound":       {"您要找的页面不存在，或者您无权查看。", "The page does not exist, or you may not see it."},
	"error.once.title":     {"表单已提交", "Form already sent"},
	"error.once":           {"这份表单已经提交过，没有再次处理。请返回列表查看结果；如需再次办理，请重新打开页面填写。", "This form was sent already and was not done again. Go back to the list to see what it did; to do it again, open the page afresh."},
	"error.csrf.title":     {"请求已被拒绝", "Request refused"},
	"error.csrf":           {"表单已过期或来源不明。请返回，刷新页面后再试。", "The form expired or did not come from this site. Go back, reload the page and try again."},
	"error.internal":       {"服务暂时出现问题，请稍后再试。请求编号：%s", "The service ran into a problem; try again later. Request id: %s"},
	"error.back":           {"返回首页", "Back to the home page"},

	// Errors of the use cases, by their code.
	"err.bad_credentials":    {"电子邮箱或密码错误。", "Email or password is wrong."},
	"err.too_many_attempts":  {"登录尝试次数过多，请几分钟后再试。", "Too many sign-in attempts; wait a few minutes."},
	"err.required":           {"此项必填。", "This is required."},
	"err.too_long":           {"内容过长。", "This is too long."},
	"err.invalid_email":      {"电子邮箱格式不正确，例如 name@example.com。", "Not an email address such as name@example.com."},
	"err.invalid_role":       {"请选择角色。", "Choose a role."},
	"err.invalid_character":  {"含有不允许的字符。", "Holds a character that is not allowed."},
	"err.password_too_short": {"密码至少需要 10 个字符。", "A password has at least 10 characters."},
	"err.password_too_long":  {"密码最多 72 个字节。", "A password has at most 72 bytes."},
	"err.wrong_password":     {"当前密码不正确。", "The current password is wrong."},
	"err.email_taken":        {"该电子邮箱已被使用。", "This email is in use."},
	"err.invalid_cursor":     {"分页参数无效，请从第一页开始。", "The page link is not valid; start from the first page."},
	"err.ambiguous_logistics_no": {"多家物流企业使用该运单号，请填写物流企业代码。",
		"Several carriers use this waybill number; give the carrier code."},
	// Codes several page groups meet, in words that fit each; "err.CODE@FIELD" says it for one
	// field (fieldErrorText), where the field tells more than the code.
	"err.invalid_batch_size":      {"一次 1 至 1000 项。", "1 to 1,000 at a time."},
	"err.invalid_batch_size@file": {"一个文件应包含 1 至 1000 个包裹。", "A file holds 1 to 1,000 parcels."},
	"err.invalid_number":          {"不是有效的数字。", "Not a number."},
	"err.invalid_hs_code":         {"HS 编码为 4 至 10 位数字。", "An HS code is 4 to 10 digits."},
	"err.invalid_hs_code@gcode":   {"商品编码应为 10 位数字。", "An HS code is 10 digits."},
	"err.invalid_country":         {"不是有效的国家代码（如 PL、DEU）。", "Not a country code (PL, DEU)."},
	"err.unknown_exporter":        {"没有该出口企业，或其未授权贵公司。", "No such exporter, or it has not authorised you."},
	"err.not_your_org":            {"只能为本企业操作。", "Only for your own organisation."},
	"err.not_your_org@exporterId": {"出口企业只能为本企业登记包裹或订舱。", "An exporter registers parcels and books only for itself."},
	"err.in_the_past":             {"该时间已过，须在将来。", "That time has passed; it must be in the future."},
	"err.in_the_past@departsAt":   {"发车时间须在将来。", "The departure must be in the future."},
	"err.in_the_past@validTo":     {"截止日期已过。", "The end has passed."},
	"err.other":                   {"请求无法完成（%s）。", "The request could not be done (%s)."},
}

// T is the text of key in lang; a key missing from the catalogue shows itself, so that it is
// seen (and TestCatalogue fails on templates that name one).
func T(lang Lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == LangEn {
		return m.en
	}
	return m.zh
}

// Tf is T with fmt arguments.
func Tf(lang Lang, key string, args ...any) string { return fmt.Sprintf(T(lang, key), args...) }

// fieldErrorText is how an error code reads at a field: the catalogue's text for the code at
// that field ("err.CODE@FIELD", the field's last name without indexes: items[1].gcode → gcode),
// else errorText.
func fieldErrorText(lang Lang, field, code string) string {
	leaf := field[strings.LastIndexByte(field, '.')+1:]
	if i := strings.IndexByte(leaf, '['); i >= 0 {
		leaf = leaf[:i]
	}
	if _, ok := messages["err."+code+"@"+leaf]; ok && leaf != "" {
		return T(lang, "err."+code+"@"+leaf)
	}
	return errorText(lang, code)
}

// addMessages adds a page group's texts to the catalogue; a key another group has already is a
// mistake (one of them would silently win), so the program does not start with it.
func addMessages(group map[string]msg) {
	for k, v := range group {
		if _, dup := messages[k]; dup {
			panic("web: catalogue key " + k + " defined twice")
		}
		messages[k] = v
	}
}

// errorText is how an error code reads: its own text when the catalogue has one, else the
// general one naming the code.
func errorText(lang Lang, code string) string {
	if _, ok := messages["err."+code]; ok {
		return T(lang, "err."+code)
	}
	return Tf(lang, "err.other", strings.ReplaceAll(code, "_", " "))
}
