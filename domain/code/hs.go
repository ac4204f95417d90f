package code

import (
	"slices"

	"github.com/silkgate/silkgate/domain"
)

// CheckHSCode accepts a Chinese commodity code (商品编码): exactly 10 ASCII digits, the first six
// the international HS subheading ("8517130000"). No dots, spaces or shorter forms: CEB's gcode
// and the declaration's CodeTS are 10 digits. Code invalid_hs_code.
func CheckHSCode(s string) error {
	if len(s) != 10 || !decAllDigits(s) {
		return domain.InvalidField("", "invalid_hs_code", "an HS code has exactly 10 digits")
	}
	return nil
}

// Heading is a 4-digit HS heading (品目) with a short English and Chinese name.
type Heading struct {
	Code   string
	NameEn string
	NameZh string
}

// hsTable holds the headings typical of cross-border e-commerce parcels and China–Europe rail
// freight (HS 2022 wording, shortened). It names goods; it does not decide what may be declared:
// any well-formed code may be filed.
var hsTable = []Heading{
	{"0902", "Tea", "茶叶"},
	{"1704", "Sugar confectionery without cocoa", "不含可可的糖食"},
	{"1806", "Chocolate and other food preparations containing cocoa", "巧克力及其他含可可的食品"},
	{"1905", "Bread, pastry, cakes and biscuits", "面包、糕点、饼干"},
	{"2009", "Fruit and vegetable juices", "果汁及蔬菜汁"},
	{"2106", "Food preparations not elsewhere specified", "其他编号未列名的食品"},
	{"2202", "Waters with added sugar or flavour; other non-alcoholic beverages", "加糖或加味的水及其他无酒精饮料"},
	{"3303", "Perfumes and toilet waters", "香水及花露水"},
	{"3304", "Beauty, make-up and skin-care preparations", "美容品、化妆品及护肤品"},
	{"3305", "Preparations for use on the hair", "护发品"},
	{"3306", "Preparations for oral or dental hygiene", "口腔及牙齿清洁剂"},
	{"3307", "Shaving preparations, deodorants, bath preparations", "剃须用制剂、除臭剂、沐浴用制剂"},
	{"3401", "Soap", "肥皂"},
	{"3402", "Surface-active agents; washing and cleaning preparations", "有机表面活性剂；洗涤剂及清洁剂"},
	{"3406", "Candles", "蜡烛"},
	{"3506", "Prepared glues and adhesives", "调制胶及粘合剂"},
	{"3923", "Articles for the conveyance or packing of goods, of plastics", "供运输或包装货物用的塑料制品"},
	{"3924", "Tableware, kitchenware and household articles of plastics", "塑料制餐具、厨房用具及其他家庭用具"},
	{"3926", "Other articles of plastics", "其他塑料制品"},
	{"4011", "New pneumatic tyres of rubber", "新的充气橡胶轮胎"},
	{"4015", "Apparel and clothing accessories (incl. gloves) of vulcanised rubber", "硫化橡胶制的衣着用品及附件（包括手套）"},
	{"4016", "Other articles of vulcanised rubber", "硫化橡胶的其他制品"},
	{"4202", "Trunks, suitcases, handbags, wallets and similar containers", "衣箱、提箱、手提包、钱包及类似容器"},
	{"4203", "Apparel and clothing accessories of leather", "皮革制的衣服及衣着附件"},
	{"4418", "Builders' joinery and carpentry of wood", "建筑用木工制品"},
	{"4420", "Wood marquetry, jewellery caskets, statuettes and ornaments of wood", "木制镶嵌品、首饰盒、小雕像及其他装饰品"},
	{"4421", "Other articles of wood", "其他木制品"},
	{"4819", "Cartons, boxes, bags and other packing containers of paper", "纸及纸板制的箱、盒、袋及其他包装容器"},
	{"4820", "Registers, notebooks, diaries and similar stationery of paper", "纸制登记本、笔记本、日记本等文具"},
	{"4821", "Paper or paperboard labels", "纸或纸板制的各种标签"},
	{"4901", "Printed books, brochures and leaflets", "书籍、小册子及类似印刷品"},
	{"4911", "Other printed matter, including pictures and photographs", "其他印刷品，包括印刷的图片及照片"},
	{"5007", "Woven fabrics of silk", "丝机织物"},
	{"5208", "Woven fabrics of cotton", "棉机织物"},
	{"5407", "Woven fabrics of synthetic filament yarn", "合成纤维长丝纱线的机织物"},
	{"6101", "Men's or boys' overcoats and anoraks, knitted", "针织男式大衣、防风衣"},
	{"6102", "Women's or girls' overcoats and anoraks, knitted", "针织女式大衣、防风衣"},
	{"6103", "Men's or boys' suits, jackets and trousers, knitted", "针织男式西服套装、上衣、长裤"},
	{"6104", "Women's or girls' suits, dresses, skirts and trousers, knitted", "针织女式西服套装、连衣裙、裙子、长裤"},
	{"6105", "Men's or boys' shirts, knitted", "针织男衬衫"},
	{"6106", "Women's or girls' blouses and shirts, knitted", "针织女衬衫"},
	{"6107", "Men's or boys' underpants and pyjamas, knitted", "针织男式内裤及睡衣"},
	{"6108", "Women's or girls' slips, panties, nightdresses and pyjamas, knitted", "针织女式内衣裤及睡衣"},
	{"6109", "T-shirts, singlets and other vests, knitted", "针织T恤衫、汗衫及背心"},
	{"6110", "Jerseys, pullovers and cardigans, knitted", "针织套头衫、开襟衫"},
	{"6111", "Babies' garments and clothing accessories, knitted", "针织婴儿服装及衣着附件"},
	{"6112", "Track suits, ski suits and swimwear, knitted", "针织运动服、滑雪服及游泳服"},
	{"6114", "Other garments, knitted", "针织其他服装"},
	{"6115", "Pantyhose, tights, stockings and socks, knitted", "针织连裤袜、紧身裤袜、长袜及短袜"},
	{"6116", "Gloves, mittens and mitts, knitted", "针织手套"},
	{"6117", "Other made-up clothing accessories, knitted", "针织其他衣着附件"},
	{"6201", "Men's or boys' overcoats and anoraks", "男式大衣、防风衣（非针织）"},
	{"6202", "Women's or girls' overcoats and anoraks", "女式大衣、防风衣（非针织）"},
	{"6203", "Men's or boys' suits, jackets and trousers", "男式西服套装、上衣、长裤（非针织）"},
	{"6204", "Women's or girls' suits, dresses, skirts and trousers", "女式西服套装、连衣裙、裙子、长裤（非针织）"},
	{"6205", "Men's or boys' shirts", "男衬衫（非针织）"},
	{"6206", "Women's or girls' blouses and shirts", "女衬衫（非针织）"},
	{"6207", "Men's or boys' singlets, underpants, pyjamas and bathrobes", "男式内衣、睡衣及浴衣（非针织）"},
	{"6208", "Women's or girls' singlets, slips, nightdresses and pyjamas", "女式内衣、睡衣（非针织）"},
	{"6209", "Babies' garments and clothing accessories", "婴儿服装及衣着附件（非针织）"},
	{"6210", "Garments of felt, nonwovens or coated fabrics", "毡呢、无纺织物或涂层织物制的服装"},
	{"6211", "Track suits, ski suits, swimwear and other garments", "运动服、滑雪服、游泳服及其他服装（非针织）"},
	{"6212", "Brassieres, girdles, corsets and braces", "胸罩、束腰带、紧身胸衣"},
	{"6214", "Shawls, scarves, mufflers and veils", "披巾、围巾、面纱"},
	{"6215", "Ties, bow ties and cravats", "领带及领结"},
	{"6216", "Gloves, mittens and mitts", "手套（非针织）"},
	{"6217", "Other made-up clothing accessories", "其他衣着附件（非针织）"},
	{"6301", "Blankets and travelling rugs", "毯子及旅行毯"},
	{"6302", "Bed linen, table linen, toilet and kitchen linen", "床上、餐桌、盥洗及厨房用织物制品"},
	{"6303", "Curtains, drapes and interior blinds", "窗帘、帐幔及帘帷"},
	{"6304", "Other furnishing articles of textiles", "其他装饰用织物制品"},
	{"6305", "Sacks and bags for the packing of goods", "货物包装用袋"},
	{"6306", "Tarpaulins, awnings, tents, sails and camping goods", "油苫布、天篷、帐篷、帆及野营用品"},
	{"6307", "Other made-up textile articles, including face masks", "其他纺织制成品，包括口罩"},
	{"6401", "Waterproof footwear of rubber or plastics", "橡胶或塑料制的防水鞋靴"},
	{"6402", "Other footwear with soles and uppers of rubber or plastics", "橡胶或塑料制外底及鞋面的其他鞋靴"},
	{"6403", "Footwear with uppers of leather", "皮革制鞋面的鞋靴"},
	{"6404", "Footwear with uppers of textile materials", "纺织材料制鞋面的鞋靴"},
	{"6405", "Other footwear", "其他鞋靴"},
	{"6406", "Parts of footwear; insoles", "鞋靴零件；鞋垫"},
	{"6505", "Hats and headgear, knitted or of textile fabric", "针织或纺织材料制的帽类"},
	{"6506", "Other headgear, including safety helmets", "其他帽类，包括安全帽"},
	{"6601", "Umbrellas and sun umbrellas", "雨伞及阳伞"},
	{"6702", "Artificial flowers, foliage and fruit", "人造花、叶及果实"},
	{"6704", "Wigs, false beards and eyebrows", "假发、假胡须、假眉毛"},
	{"6907", "Ceramic flags, paving, hearth and wall tiles", "陶瓷贴面砖、铺面砖"},
	{"6910", "Ceramic sinks, wash basins, baths and water closet pans", "陶瓷洗涤槽、脸盆、浴缸、抽水马桶"},
	{"6911", "Tableware, kitchenware and household articles of porcelain or china", "瓷餐具、厨房器具及其他家用瓷器"},
	{"6912", "Ceramic tableware, kitchenware and household articles other than porcelain", "陶餐具、厨房器具及其他家用陶器"},
	{"6913", "Statuettes and other ornamental ceramic articles", "陶瓷塑像及其他装饰用陶瓷制品"},
	{"7009", "Glass mirrors", "玻璃镜"},
	{"7010", "Carboys, bottles and jars of glass", "玻璃大坛、瓶、罐"},
	{"7013", "Glassware for table, kitchen, toilet, office and indoor decoration", "玻璃器皿（餐桌、厨房、盥洗、办公、室内装饰用）"},
	{"7018", "Glass beads, imitation pearls and small glassware", "玻璃珠、仿珍珠及小件玻璃制品"},
	{"7113", "Articles of jewellery of precious metal", "贵金属制的首饰"},
	{"7117", "Imitation jewellery", "仿首饰"},
	{"7308", "Structures and parts of structures of iron or steel", "钢铁结构体及其部件"},
	{"7310", "Tanks, drums, cans and boxes of iron or steel (≤ 300 l)", "钢铁制柜、桶、罐、听、盒（容积不超过300升）"},
	{"7318", "Screws, bolts, nuts, rivets and washers of iron or steel", "钢铁制螺钉、螺栓、螺母、铆钉、垫圈"},
	{"7320", "Springs of iron or steel", "钢铁制弹簧"},
	{"7321", "Stoves, cookers and barbecues, non-electric, of iron or steel", "非电热的钢铁制炉、灶、烧烤炉"},
	{"7323", "Table, kitchen and household articles of iron or steel", "钢铁制餐桌、厨房或其他家用器具"},
	{"7324", "Sanitary ware of iron or steel", "钢铁制卫生器具"},
	{"7326", "Other articles of iron or steel", "其他钢铁制品"},
	{"7418", "Table, kitchen and household articles of copper", "铜制餐桌、厨房或其他家用器具"},
	{"7615", "Table, kitchen and household articles of aluminium", "铝制餐桌、厨房或其他家用器具"},
	{"7616", "Other articles of aluminium", "其他铝制品"},
	{"8201", "Hand tools: spades, shovels, hoes, forks and rakes", "锹、铲、锄、叉、耙等手工工具"},
	{"8203", "Files, pliers, pincers, tweezers and cutters", "锉、钳、镊子及剪切工具"},
	{"8204", "Hand-operated spanners and wrenches", "手动扳手及扳钳"},
	{"8205", "Hand tools not elsewhere specified", "其他编号未列名的手工工具"},
	{"8207", "Interchangeable tools for hand tools and machine tools", "手工工具或机床用的可互换工具"},
	{"8211", "Knives with cutting blades", "有刃口的刀"},
	{"8212", "Razors and razor blades", "剃刀及刀片"},
	{"8213", "Scissors", "剪刀"},
	{"8215", "Spoons, forks, ladles and similar kitchen or tableware", "勺、叉、长柄勺等厨房或餐桌用具"},
	{"8301", "Padlocks and locks of base metal", "贱金属制的挂锁及锁"},
	{"8302", "Base metal mountings and fittings (hinges, castors)", "贱金属附件及架座（铰链、脚轮等）"},
	{"8306", "Bells, statuettes, ornaments and photograph frames of base metal", "贱金属制的铃、小雕塑像、装饰品及相框"},
	{"8407", "Spark-ignition piston engines", "点燃式活塞内燃发动机"},
	{"8408", "Compression-ignition (diesel) engines", "压燃式活塞内燃发动机（柴油机）"},
	{"8409", "Parts of piston engines", "活塞内燃发动机零件"},
	{"8413", "Pumps for liquids", "液体泵"},
	{"8414", "Air or vacuum pumps, compressors, fans and cooker hoods", "空气泵、真空泵、压缩机、风扇及抽油烟机"},
	{"8415", "Air conditioning machines", "空气调节器"},
	{"8418", "Refrigerators, freezers and heat pumps", "冷藏箱、冷冻箱及热泵"},
	{"8419", "Machinery for treating materials by change of temperature; non-electric water heaters", "利用温度变化处理材料的机器；非电热的热水器"},
	{"8421", "Centrifuges; filtering or purifying machinery for liquids or gases", "离心机；液体或气体的过滤、净化机器"},
	{"8422", "Dishwashing machines; packing and bottling machinery", "洗碗机；包装、灌装机器"},
	{"8423", "Weighing machinery", "衡器"},
	{"8424", "Appliances for spraying liquids or powders", "液体或粉末的喷射、喷洒器具"},
	{"8427", "Fork-lift trucks and other works trucks with lifting equipment", "叉车及其他装有升降装置的工作车"},
	{"8428", "Other lifting, handling, loading or unloading machinery", "其他升降、搬运、装卸机械"},
	{"8429", "Bulldozers, graders, excavators and road rollers", "推土机、平地机、挖掘机及压路机"},
	{"8433", "Harvesting machinery; lawn mowers", "收割机械；草坪割草机"},
	{"8443", "Printing machinery; printers, copiers and fax machines", "印刷机械；打印机、复印机及传真机"},
	{"8450", "Household or laundry-type washing machines", "家用型或洗衣房用洗衣机"},
	{"8452", "Sewing machines", "缝纫机"},
	{"8467", "Tools for working in the hand, pneumatic, hydraulic or with a motor", "手提式风动、液压或电动工具"},
	{"8471", "Automatic data-processing machines (computers)", "自动数据处理设备（计算机）"},
	{"8473", "Parts and accessories of computers and office machines", "计算机及办公机器的零件、附件"},
	{"8479", "Machines with individual functions not elsewhere specified", "其他编号未列名的具有独立功能的机器"},
	{"8481", "Taps, cocks and valves", "龙头、旋塞、阀门"},
	{"8482", "Ball or roller bearings", "滚动轴承"},
	{"8483", "Transmission shafts, bearing housings, gears and clutches", "传动轴、轴承座、齿轮及离合器"},
	{"8501", "Electric motors and generators", "电动机及发电机"},
	{"8502", "Electric generating sets", "发电机组"},
	{"8504", "Transformers, static converters (power adapters, chargers) and inductors", "变压器、静止式变流器（电源适配器、充电器）及电感器"},
	{"8506", "Primary cells and batteries", "原电池及原电池组"},
	{"8507", "Electric accumulators, including lithium-ion batteries", "蓄电池，包括锂离子电池"},
	{"8508", "Vacuum cleaners", "真空吸尘器"},
	{"8509", "Electro-mechanical domestic appliances", "家用电动器具"},
	{"8510", "Shavers, hair clippers and hair-removing appliances", "电动剃须刀、毛发推剪及脱毛器"},
	{"8513", "Portable electric lamps (torches)", "自供能源的手提式电灯（手电筒）"},
	{"8516", "Electric water heaters, hair dryers, irons, microwave ovens and cookers", "电热水器、电吹风、电熨斗、微波炉及电热炊具"},
	{"8517", "Telephone sets incl. smartphones; apparatus transmitting voice, images or data", "电话机（包括智能手机）及其他发送或接收声音、图像、数据的设备"},
	{"8518", "Microphones, loudspeakers, headphones, earphones and amplifiers", "传声器、扬声器、耳机及音频扩大器"},
	{"8519", "Sound recording or reproducing apparatus", "声音录制或重放设备"},
	{"8521", "Video recording or reproducing apparatus", "视频录制或重放设备"},
	{"8523", "Discs, tapes, solid-state storage devices and smart cards", "磁盘、磁带、固态存储器件及智能卡"},
	{"8525", "Radio and TV transmission apparatus; television and digital cameras", "无线电广播、电视发送设备；电视摄像机及数字照相机"},
	{"8526", "Radar, radio navigation and radio remote control apparatus", "雷达、无线电导航及无线电遥控设备"},
	{"8527", "Reception apparatus for radio broadcasting", "无线电广播接收设备"},
	{"8528", "Monitors, projectors and television receivers", "监视器、投影机及电视接收装置"},
	{"8529", "Parts of radio, television and camera apparatus", "无线电、电视及摄像设备用零件"},
	{"8531", "Electric sound or visual signalling apparatus (alarms)", "电气音响或视觉信号装置（报警器）"},
	{"8536", "Switches, plugs, sockets and other connecting apparatus (≤ 1,000 V)", "电路开关、插头、插座等连接用电气装置（不超过1000伏）"},
	{"8539", "Electric filament and discharge lamps; LED light sources", "白炽灯泡、放电灯管；发光二极管（LED）光源"},
	{"8541", "Semiconductor devices; photovoltaic cells and modules; LEDs", "半导体器件；光伏电池及组件；发光二极管"},
	{"8542", "Electronic integrated circuits", "集成电路"},
	{"8543", "Electrical machines and apparatus with individual functions not elsewhere specified", "其他编号未列名的具有独立功能的电气设备"},
	{"8544", "Insulated wire and cable; optical fibre cables", "绝缘电线、电缆；光缆"},
	{"8701", "Tractors", "牵引车、拖拉机"},
	{"8702", "Motor vehicles for the transport of ten or more persons", "十座及以上的客运机动车辆"},
	{"8703", "Motor cars and other vehicles for the transport of persons", "主要用于载人的机动车辆（小轿车）"},
	{"8704", "Motor vehicles for the transport of goods", "货运机动车辆"},
	{"8708", "Parts and accessories of motor vehicles", "机动车辆的零件及附件"},
	{"8711", "Motorcycles and cycles with an auxiliary motor, including e-bikes", "摩托车及装有辅助发动机的脚踏车（包括电动自行车）"},
	{"8712", "Bicycles and other cycles, not motorised", "自行车及其他非机动脚踏车"},
	{"8714", "Parts and accessories of motorcycles and bicycles", "摩托车及自行车的零件、附件"},
	{"8715", "Baby carriages and parts thereof", "婴孩车及其零件"},
	{"8716", "Trailers and semi-trailers; other vehicles not mechanically propelled", "挂车及半挂车；其他非机械驱动车辆"},
	{"9004", "Spectacles and goggles", "眼镜及护目镜"},
	{"9006", "Photographic cameras; flashlights", "照相机；闪光灯"},
	{"9013", "Liquid crystal devices, lasers and other optical appliances", "液晶装置、激光器及其他光学仪器"},
	{"9018", "Medical, surgical, dental or veterinary instruments", "医疗、外科、牙科或兽医用仪器及器具"},
	{"9019", "Mechano-therapy and massage apparatus", "机械疗法器具及按摩器具"},
	{"9025", "Thermometers, hydrometers, barometers and hygrometers", "温度计、比重计、气压计及湿度计"},
	{"9026", "Instruments measuring flow, level or pressure of liquids or gases", "液体或气体的流量、液位、压力测量仪器"},
	{"9031", "Measuring or checking instruments not elsewhere specified", "其他编号未列名的测量或检验仪器"},
	{"9101", "Wrist-watches and pocket-watches with a case of precious metal", "贵金属表壳的手表及怀表"},
	{"9102", "Wrist-watches, pocket-watches and other watches", "手表、怀表及其他表"},
	{"9105", "Other clocks", "其他钟"},
	{"9113", "Watch straps, watch bands and bracelets", "表带及表链"},
	{"9202", "Other string musical instruments (guitars, violins)", "其他弦乐器（吉他、小提琴等）"},
	{"9207", "Musical instruments with electrically produced or amplified sound", "通过电产生或扩大声音的乐器"},
	{"9401", "Seats, whether or not convertible into beds", "坐具（包括能作床用的两用椅）"},
	{"9403", "Other furniture and parts thereof", "其他家具及其零件"},
	{"9404", "Mattress supports; mattresses, quilts, sleeping bags and pillows", "弹簧床垫；床垫、被褥、睡袋及枕头"},
	{"9405", "Luminaires and lighting fittings", "灯具及照明装置"},
	{"9503", "Tricycles, scooters, dolls, other toys, scale models and puzzles", "三轮车、踏板车、玩偶、其他玩具、模型及智力玩具"},
	{"9504", "Video game consoles, table and parlour games, playing cards", "视频游戏控制器、桌上或室内游戏用品及扑克牌"},
	{"9505", "Festive, carnival and other entertainment articles", "节日、狂欢节或其他娱乐用品"},
	{"9506", "Articles and equipment for sports, gymnastics and outdoor games", "运动、体操及户外游戏用品及设备"},
	{"9507", "Fishing rods, fish-hooks and other line fishing tackle", "钓竿、钓钩及其他钓鱼用具"},
	{"9603", "Brooms, brushes (including toothbrushes) and mops", "帚、刷（包括牙刷）及拖把"},
	{"9606", "Buttons and press-fasteners", "纽扣及揿扣"},
	{"9607", "Slide fasteners (zips)", "拉链"},
	{"9608", "Ball-point pens, felt-tipped pens and markers", "圆珠笔、毡尖笔及记号笔"},
	{"9609", "Pencils and crayons", "铅笔及蜡笔"},
	{"9613", "Cigarette lighters and other lighters", "打火机"},
	{"9615", "Combs, hair-slides and hairpins", "梳子、发夹"},
	{"9617", "Vacuum flasks and other vacuum vessels", "保温瓶及其他真空容器"},
	{"9619", "Sanitary towels, tampons, napkins and diapers", "卫生巾、卫生棉条、尿布"},
	{"9620", "Monopods, bipods and tripods", "独脚架、双脚架、三脚架"},
}

var hsByCode = map[string]int{}

func init() {
	for i, h := range hsTable {
		hsByCode[h.Code] = i
	}
}

// HSHeading looks up the heading of code: a 4-digit heading ("8471") or any longer all-digit
// code up to 10 digits, whose first four digits are used ("8471300000").
func HSHeading(code string) (Heading, bool) {
	if len(code) < 4 || len(code) > 10 || !decAllDigits(code) {
		return Heading{}, false
	}
	i, ok := hsByCode[code[:4]]
	if !ok {
		return Heading{}, false
	}
	return hsTable[i], true
}

// KnownHSHeading reports whether hs10 is a valid 10-digit HS code whose heading is in the table.
// An unknown heading is not an error — the table is for names — but callers may flag it.
func KnownHSHeading(hs10 string) bool {
	if CheckHSCode(hs10) != nil {
		return false
	}
	_, ok := HSHeading(hs10)
	return ok
}

// HSHeadings lists the table in code order.
func HSHeadings() []Heading {
	return slices.Clone(hsTable)
}
