"""What the demo is made of: names, identity numbers, credit codes, and what cases say."""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from demo.organisation import COUNTY
from departments.models import Jurisdiction
from disputes.models import Payer
from disputes.services import PayerData
from disputes.validators import id_check_digit, uscc_check_char

# -- what people and companies are called ------------------------------------------------

SURNAMES = (
    "王李张刘杨赵陈郭吴薛卫段贾柴畅孙周马高宁姚樊冯黄董任程景原席侯梁史韩牛杜闫曹崔尚吉师姬解"
)
GIVEN_MALE = "建国军伟强刚勇志明磊涛斌鹏杰峰超亮宇浩文华平辉海龙俊晨博旭东永红卫兵振"
GIVEN_FEMALE = "丽娟燕红梅芳霞敏静婷雪玲秀英慧琳娜萍艳晓凤洁颖佳蓉春兰桂珍瑶莉"
BRANDS = (
    "恒泰", "永盛", "华鑫", "晋南", "黄河", "中条山", "鑫源", "聚丰", "润禾", "大禹渡",
    "古魏", "风陵", "宏达", "金穗", "瑞丰", "天和", "德顺", "兴旺", "绿源", "盛世",
    "永乐", "圣天湖", "晋豫", "通达", "百合", "康宁",
)  # fmt: skip
TRADES = (
    "建材", "农业科技", "果业", "物流", "商贸", "建筑工程", "食品", "机械制造", "纺织",
    "药业", "餐饮管理", "物业服务", "新能源", "汽车服务", "电子科技", "劳务服务",
)  # fmt: skip
ROADS = ("永乐南路", "永乐北路", "风陵渡大街", "学苑路", "解放路", "南环路", "工业园区", "古魏大道")
ORIGINS = ("运城市盐湖区", "永济市", "西安市", "三门峡市", "太原市", "郑州市", "河津市")
PAY_CHANNELS = ("微信小程序", "银行柜面", "税务APP", "村社保协理员代收")
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
    "152", "155", "157", "158", "159", "166", "177", "180", "182", "183", "187", "188",
    "189", "198", "199",
)  # fmt: skip
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# -- what the cases are about --------------------------------------------------------------
# Per category: the range of amounts in yuan (None: no amount), how common it is, and a few
# templates, each naming who brings it (a payer kind, or "pair": an employee against the
# employer), the insurance types, the claim and the summary. Placeholders: {name} {employer}
# {amount} {start} {end} {months} {year} {count} {type} {origin} {pay}.


class Template(NamedTuple):
    kind: str
    types: tuple[str, ...]
    claim: str
    summary: str


T = Template
PENSION, INJURY, UNEMPLOYMENT = "enterprise_pension", "work_injury", "unemployment"
EMPLOYEE_MEDICAL, RESIDENT_PENSION, RESIDENT_MEDICAL = (
    "employee_medical",
    "resident_pension",
    "resident_medical",
)

PROFILES = {
    "registration_transfer": {
        "amount": None,
        "weight": 6,
        "templates": [
            T(
                "employee",
                (PENSION,),
                "请求将本人在{origin}缴纳的{type}关系转入芮城县，合并计算缴费年限。",
                "缴费人称其{start}至{end}在{origin}务工期间参加{type}，共缴费{months}个月，"
                "回芮城县就业后申请转移接续，转入地至今未收到转移信息，多次询问未果。",
            ),
            T(
                "employee",
                (EMPLOYEE_MEDICAL,),
                "请求为本人办理{type}关系转移接续，补记断档期间的参保记录。",
                "缴费人{start}由{origin}调入{employer}工作，单位为其办理参保登记时提示原参保关系"
                "未中止，导致{months}个月无法正常缴费，看病报销受到影响。",
            ),
            T(
                "flexible",
                (PENSION,),
                "请求撤销重复参保登记，保留本人以灵活就业人员身份的参保关系。",
                "缴费人以灵活就业人员身份参加{type}，{start}起被{employer}登记为职工参保，"
                "系统显示重复参保，灵活就业缴费被退回，缴费人不认可。",
            ),
        ],
    },
    "registration_data": {
        "amount": None,
        "weight": 6,
        "templates": [
            T(
                "employer",
                (PENSION, UNEMPLOYMENT),
                "请求尽快将单位新增参保人员信息传递至税务部门，以便按期申报缴费。",
                "{employer}于{start}在经办机构办理了{count}名新入职职工的参保登记，但在电子税务局"
                "申报时查询不到上述人员，无法申报{type}，单位担心逾期产生滞纳金。",
            ),
            T(
                "employee",
                (EMPLOYEE_MEDICAL,),
                "请求更正参保登记信息并重新传递，归集本人缴费记录。",
                "缴费人参保登记时身份信息录入有误，经办机构已更正，但税务系统仍为原信息，"
                "导致{start}以来{months}个月的{type}缴费记录未能归集到本人名下。",
            ),
        ],
    },
    "contribution_base": {
        "amount": (3000, 90000),
        "weight": 12,
        "templates": [
            T(
                "employer",
                (PENSION, INJURY, UNEMPLOYMENT),
                "请求按职工实际工资重新核定{year}年度缴费基数，退还多缴部分。",
                "{employer}反映，{year}年度申报缴费基数时系统按缴费基数下限核定，部分职工实际"
                "工资低于下限，单位认为核定偏高，{start}至{end}多缴社会保险费约{amount}元。",
            ),
            T(
                "employer",
                (PENSION,),
                "请求说明缴费基数调整依据，暂缓追缴差额。",
                "税务部门在缴费检查中发现{employer}{start}至{end}申报的缴费基数低于职工实际工资，"
                "要求补缴差额{amount}元，单位对工资总额是否包含年终奖、加班费有异议。",
            ),
            T(
                "employer",
                (EMPLOYEE_MEDICAL,),
                "请求核实职工医保缴费基数核定口径，更正{start}至{end}的申报。",
                "{employer}反映，{start}起职工医保缴费基数按上年度职工月平均工资核定，"
                "单位认为应剔除已停薪留职的{count}名职工，涉及费款{amount}元。",
            ),
        ],
    },
    "contribution_amount": {
        "amount": (300, 20000),
        "weight": 10,
        "templates": [
            T(
                "flexible",
                (PENSION,),
                "请求核实{year}年度应缴金额，按本人申报的档次重新计算。",
                "缴费人以灵活就业人员身份缴纳{type}，在税务APP缴费时显示应缴金额{amount}元，"
                "较上年明显增加，缴费人认为系统所选缴费档次与本人申报的档次不符。",
            ),
            T(
                "resident",
                (RESIDENT_MEDICAL,),
                "请求核实家庭成员{year}年度城乡居民医保缴费金额，退回重复扣款。",
                "缴费人为家庭{count}口人缴纳{year}年度城乡居民医保，银行批量划扣后又在微信"
                "小程序重复缴费，合计扣款{amount}元，要求确认应缴金额。",
            ),
            T(
                "resident",
                (RESIDENT_PENSION,),
                "请求更正城乡居民养老保险缴费档次，按所选档次记录应缴金额。",
                "缴费人选择{year}年度城乡居民养老保险较高缴费档次，经{pay}缴纳{amount}元后，"
                "系统登记为最低档次，缴费人要求更正。",
            ),
            T(
                "employer",
                (PENSION, EMPLOYEE_MEDICAL),
                "请求核对{start}至{end}社会保险费应缴金额明细。",
                "{employer}对{start}至{end}社会保险费应缴金额{amount}元有异议，认为其中包含"
                "已离职的{count}名职工的费款。",
            ),
        ],
    },
    "special_payment": {
        "amount": (2000, 60000),
        "weight": 6,
        "templates": [
            T(
                "employee",
                (PENSION,),
                "请求重新核定视同缴费年限及补缴金额。",
                "缴费人原系国有企业职工，{start}至{end}档案记载的工龄未被认定为视同缴费年限，"
                "经办机构核定需补缴{type}{amount}元，缴费人认为核定依据有误。",
            ),
            T(
                "flexible",
                (EMPLOYEE_MEDICAL,),
                "请求核实补缴金额的计算依据，允许分期缴纳。",
                "缴费人中断{type}{months}个月后申请补缴，经办机构核定补缴金额{amount}元，"
                "缴费人对计算基数有异议，并提出家庭经济困难。",
            ),
            T(
                "employer",
                (INJURY,),
                "请求核实工伤保险补缴金额的计算依据。",
                "{employer}为{count}名职工补缴{start}至{end}工伤保险费，经办机构核定应补缴"
                "{amount}元，单位认为费率浮动档次适用错误。",
            ),
        ],
    },
    "late_fee": {
        "amount": (200, 30000),
        "weight": 6,
        "templates": [
            T(
                "employer",
                (PENSION, EMPLOYEE_MEDICAL),
                "请求减免{start}至{end}社会保险费滞纳金。",
                "{employer}因资金周转困难，{start}至{end}社会保险费逾期缴纳，被加收滞纳金"
                "{amount}元，单位认为逾期事出有因，要求减免。",
            ),
            T(
                "flexible",
                (PENSION,),
                "请求撤销因银行扣款失败产生的滞纳金。",
                "缴费人已签订委托扣款协议，{start}账户余额充足但扣款失败，事后补缴时被加收"
                "滞纳金{amount}元，缴费人认为责任不在本人。",
            ),
        ],
    },
    "refund": {
        "amount": (300, 25000),
        "weight": 9,
        "templates": [
            T(
                "flexible",
                (PENSION,),
                "请求退还{start}至{end}重复缴纳的{type}费{amount}元。",
                "缴费人{start}至{end}同时以灵活就业人员和单位职工身份缴纳{type}，形成重复缴费"
                "{amount}元，申请退费已{months}个月仍未到账。",
            ),
            T(
                "resident",
                (RESIDENT_MEDICAL,),
                "请求退还已参加职工医保后重复缴纳的城乡居民医保费。",
                "缴费人{year}年已随单位参加职工医保，又在村里缴纳了城乡居民医保{amount}元，"
                "申请退费时被告知需医保部门复核，缴费人对退费流程和时限有异议。",
            ),
            T(
                "employer",
                (PENSION, INJURY, UNEMPLOYMENT),
                "请求将多缴的社会保险费抵缴以后月份费款。",
                "{employer}{start}多申报职工{count}人，多缴社会保险费{amount}元，单位申请抵缴"
                "后续费款，对只能退费不能抵缴的答复不认可。",
            ),
        ],
    },
    "benefits": {
        "amount": (1000, 50000),
        "weight": 8,
        "templates": [
            T(
                "employee",
                (PENSION,),
                "请求按实际缴费年限核定基本养老金。",
                "缴费人办理退休待遇核定时，{start}至{end}共{months}个月的缴费记录未计入，"
                "缴费人认为养老金核定偏低，累计影响金额约{amount}元。",
            ),
            T(
                "employee",
                (EMPLOYEE_MEDICAL,),
                "请求恢复医保待遇享受资格并报销住院医疗费用。",
                "缴费人住院花费{amount}元，结算时提示{start}至{end}欠费中断，无法享受待遇，"
                "缴费人称{employer}已从工资中代扣个人缴费部分。",
            ),
            T(
                "employee",
                (UNEMPLOYMENT,),
                "请求核实缴费记录并核发失业保险金。",
                "缴费人{end}被{employer}解除劳动合同，申领失业保险金时因单位{months}个月"
                "未缴费被告知不符合条件，要求核实并核发，涉及金额约{amount}元。",
            ),
        ],
    },
    "collection_arrears": {
        "amount": (20000, 600000),
        "weight": 6,
        "templates": [
            T(
                "employer",
                (PENSION, INJURY, UNEMPLOYMENT),
                "请求暂缓强制措施，允许分期补缴欠费。",
                "{employer}自{start}起欠缴社会保险费，至{end}累计欠费{amount}元，税务部门已下达"
                "《社会保险费责令限期缴纳通知书》，单位称经营困难，申请分期缴纳。",
            ),
            T(
                "employer",
                (PENSION,),
                "对缴费检查认定的少缴金额有异议，请求重新核查。",
                "税务部门对{employer}开展缴费检查，认定其{start}至{end}少报职工{count}人，"
                "应补缴{amount}元，单位认为其中部分人员为劳务派遣人员，不应由本单位缴纳。",
            ),
            T(
                "employer",
                (PENSION, EMPLOYEE_MEDICAL),
                "请求依法处置长期停业企业财产抵缴欠费，保障职工待遇。",
                "{employer}已停止经营{months}个月，欠缴职工社会保险费{amount}元，涉及职工{count}人，"
                "部分职工达到退休年龄无法正常办理退休。",
            ),
        ],
    },
    "collection_records": {
        "amount": (150, 8000),
        "weight": 11,
        "templates": [
            T(
                "resident",
                (RESIDENT_PENSION,),
                "请求更正系统中的未缴费记录，补记权益。",
                "缴费人{start}已通过{pay}缴纳{type}{amount}元，持有缴费凭证，但系统显示该期为"
                "未缴费状态，权益记录未更新。",
            ),
            T(
                "employer",
                (PENSION,),
                "请求删除系统中错误生成的未申报记录。",
                "{employer}已于{start}办理社会保险注销登记，但征管系统仍按月生成未申报记录，"
                "共{months}条，单位被提示存在欠费{amount}元。",
            ),
            T(
                "flexible",
                (PENSION,),
                "请求核实已缴费记录未同步至个人权益记录的原因。",
                "缴费人{start}至{end}的{type}已缴费，税务系统显示已入库，但个人权益记录中"
                "缺少{months}个月，涉及金额{amount}元。",
            ),
            T(
                "resident",
                (RESIDENT_MEDICAL,),
                "请求更正城乡居民医保未缴费记录，恢复待遇享受。",
                "缴费人{year}年度城乡居民医保已由{pay}缴纳{amount}元，但系统显示未缴费，"
                "就医时无法正常结算。",
            ),
        ],
    },
    "service_complaint": {
        "amount": None,
        "weight": 5,
        "templates": [
            T(
                "resident",
                (RESIDENT_MEDICAL,),
                "对办税服务厅工作人员服务态度不满意，要求改进。",
                "缴费人到办税服务厅办理{type}缴费，排队等候时间较长，工作人员答复不耐烦，"
                "缴费人要求改进服务并给予解释。",
            ),
            T(
                "flexible",
                (),
                "对咨询答复前后不一致不满意，请求给予明确答复。",
                "缴费人就缴费档次变更问题多次咨询，不同工作人员答复不一致，导致其多次往返。",
            ),
        ],
    },
    "system_fault": {
        "amount": (100, 15000),
        "weight": 5,
        "templates": [
            T(
                "employer",
                (PENSION,),
                "请求尽快解决电子税务局社会保险费申报无法提交的问题。",
                "{employer}在电子税务局申报{end}社会保险费{amount}元时，系统提示"
                "“人员信息未同步”，无法提交申报，临近申报期限，单位担心逾期。",
            ),
            T(
                "resident",
                (RESIDENT_MEDICAL,),
                "请求处理缴费成功但系统显示未缴费的问题。",
                "缴费人通过税务APP缴纳{type}{amount}元，银行已扣款，但系统显示缴费失败，"
                "缴费人担心重复扣款。",
            ),
        ],
    },
    "employee_employer": {
        "amount": (3000, 80000),
        "weight": 8,
        "templates": [
            T(
                "pair",
                (PENSION,),
                "请求用人单位为本人补缴{start}至{end}的社会保险费。",
                "职工{name}自{start}在{employer}工作，单位一直未为其办理参保登记，{end}离职后"
                "发现无参保记录，要求单位补缴，单位称已按月发放社保补贴。",
            ),
            T(
                "pair",
                (PENSION, EMPLOYEE_MEDICAL),
                "请求单位按实际工资为职工足额缴纳社会保险费。",
                "职工反映{employer}长期按最低基数缴纳社会保险费，与实际工资差距较大，"
                "{start}至{end}少缴金额约{amount}元，双方协商未果。",
            ),
            T(
                "pair",
                (PENSION, UNEMPLOYMENT),
                "请求单位补缴代扣未缴的个人缴费部分。",
                "{employer}每月从职工工资中代扣个人社会保险费，但{start}至{end}未向税务部门"
                "申报缴纳，涉及金额{amount}元。",
            ),
        ],
    },
    "other": {
        "amount": None,
        "weight": 3,
        "templates": [
            T(
                "resident",
                (RESIDENT_PENSION,),
                "请求明确困难群体代缴城乡居民养老保险的政策和办理部门。",
                "缴费人反映所在村对部分困难群众代缴{type}，本人未被纳入，咨询多个部门均称"
                "不属于本部门职责。",
            ),
            T(
                "resident",
                (RESIDENT_MEDICAL,),
                "请求协调解决更换社保卡后批量扣款失败的问题。",
                "缴费人社保卡已换发，但原签订的批量扣款协议仍绑定旧卡，{year}年度{type}"
                "扣款失败，多方咨询未得到解决。",
            ),
        ],
    },
}


# What departments write, by department kind: finding, basis, proposal.
OPINIONS = {
    "tax": (
        "经查询征管系统，缴费人{period}的申报、缴费及入库记录与反映情况基本一致。",
        "《中华人民共和国社会保险法》第五十八条、第六十条，《社会保险费征缴暂行条例》。",
        "建议由税务部门依据核定结果办理申报更正及费款征收（退抵）事宜，并告知缴费人办理结果。",
    ),
    "hrss": (
        "经核查社会保险经办系统，缴费人参保登记、核定及权益记录情况已逐项核实。",
        "《中华人民共和国社会保险法》，《社会保险经办条例》。",
        "建议按核实后的参保登记和核定信息重新传递至税务部门，并更正个人权益记录。",
    ),
    "medical": (
        "经核查医疗保障信息平台，缴费人医保参保登记及待遇享受记录已核实。",
        "《中华人民共和国社会保险法》第三章，《医疗保障经办管理规定》。",
        "建议更正参保信息并重新传递，符合条件的按规定补办待遇结算。",
    ),
    "government_office": (
        "经12345热线工单核实，该事项已按部门职责转交承办。",
        "芮城县社会保险费征缴争议联合处置机制（报送办理）。",
        "建议承办部门在规定时限内办理并将结果反馈缴费人和县12345热线办。",
    ),
}
ON_SPOT_NOTES = {
    "service_complaint": "当场向缴费人致歉并说明办理流程，安排专人协助完成缴费，缴费人表示满意。",
    "system_fault": "经查为人员信息同步延迟，已协调刷新数据，缴费人当场完成申报缴纳。",
    "collection_records": "经查询为银行到账延迟，入库后已自动更新，当场向缴费人出具缴费证明。",
}
OBJECTION_OUTCOMES = {
    "mediation": "经县人民调解委员会调解，双方达成调解协议，缴费人撤回异议。",
    "reconsideration": "行政复议机关维持原处理意见，缴费人未再提出异议。",
    "arbitration": "劳动人事争议仲裁委员会作出裁决，用人单位已按裁决补缴费款。",
    "litigation": "人民法院一审判决驳回缴费人诉讼请求，判决已生效。",
}
WITHDRAWAL_REASONS = (
    "缴费人表示已与单位协商一致，申请撤回。",
    "缴费人自行补缴后问题已解决，申请撤回。",
    "缴费人已通过劳动仲裁途径主张权利，申请撤回本次反映。",
)


# -- generated people: names, identity numbers, credit codes, phones -----------------------


class PayerMaker:
    """Realistic payers with valid check digits; never repeats an identity number."""

    def __init__(self, rng: random.Random, used: set[str], today: datetime.date):
        self.rng = rng
        self.used = used
        self.today = today

    def person_name(self, male: bool) -> str:
        given = GIVEN_MALE if male else GIVEN_FEMALE
        length = 1 if self.rng.random() < 0.25 else 2
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(given) for _ in range(length))

    def resident_id(self, male: bool, *, min_age: int = 18, max_age: int = 70) -> str:
        while True:
            age_days = self.rng.randint(min_age * 365 + 5, max_age * 365)
            birth = self.today - datetime.timedelta(days=age_days)
            sequence = self.rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd: male
            region = COUNTY["code"] if birth.year >= COUNTY["renumbered"] else COUNTY["former_code"]
            first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self.used:
                self.used.add(number)
                return number

    def credit_code(self) -> str:
        while True:
            body = "".join(self.rng.choice(USCC_CHARS) for _ in range(6))
            first17 = f"91{COUNTY['code']}MA0{body}"
            code = first17 + uscc_check_char(first17)
            if code not in self.used:
                self.used.add(code)
                return code

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def landline(self) -> str:
        return f"0359-30{self.rng.randrange(10**5):05d}"

    def employer_name(self) -> str:
        suffix = "有限责任公司" if self.rng.random() < 0.3 else "有限公司"
        return f"芮城县{self.rng.choice(BRANDS)}{self.rng.choice(TRADES)}{suffix}"

    def person(self, kind: str, place: Jurisdiction, place_name: str) -> PayerData:
        male = self.rng.random() < 0.55
        min_age, max_age = (16, 80) if kind == Payer.Kind.RESIDENT else (18, 62)
        return PayerData(
            kind=kind,
            name=self.person_name(male),
            id_number=self.resident_id(male, min_age=min_age, max_age=max_age),
            phone=self.mobile(),
            # place_name is the full label, county first (organisation.py: labels).
            address=f"山西省{place_name}{self.rng.randint(1, 180)}号",
            jurisdiction_id=place.pk,
        )

    def employer(self, place: Jurisdiction) -> PayerData:
        return PayerData(
            kind=Payer.Kind.EMPLOYER,
            name=self.employer_name(),
            id_number=self.credit_code(),
            phone=self.landline() if self.rng.random() < 0.5 else self.mobile(),
            address=f"山西省芮城县{self.rng.choice(ROADS)}{self.rng.randint(1, 260)}号",
            contact_person=self.person_name(self.rng.random() < 0.5),
            jurisdiction_id=place.pk,
        )


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_label(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月"


@dataclass
class CaseText:
    """A template's claim and summary with the amount and the months filled in."""

    claim: str
    summary: str
    amount: Decimal | None
    period_start: datetime.date
    period_end: datetime.date


def compose_case(
    rng: random.Random,
    category: str,
    template: Template,
    *,
    received: datetime.date,
    person: str,
    employer: str,
    type_names: dict[str, str],
    amount_range: tuple[int, int] | None = None,
) -> CaseText:
    months = rng.choice((1, 2, 3, 3, 6, 6, 12, 12, 18, 24))
    end = _add_months(received.replace(day=1), -rng.randint(1, 14))
    start = _add_months(end, -(months - 1))
    amount_range = amount_range or PROFILES[category]["amount"]
    amount = None
    if amount_range:
        low, high = amount_range
        if template.kind in ("resident", "flexible"):  # individuals pay far less than employers
            low, high = min(low, 150), min(high, 4000 if template.kind == "resident" else 24000)
        amount = Decimal(rng.randint(low * 100, high * 100)) / 100
    values = {
        "name": person,
        "employer": employer,
        "amount": f"{amount:.2f}" if amount is not None else "",
        "start": month_label(start),
        "end": month_label(end),
        "months": months,
        "year": received.year,
        "count": rng.randint(2, 12),
        "type": "、".join(type_names[code] for code in template.types) or "社会保险费",
        "origin": rng.choice(ORIGINS),
        "pay": rng.choice(PAY_CHANNELS),
    }
    return CaseText(
        claim=template.claim.format_map(values),
        summary=template.summary.format_map(values),
        amount=amount,
        period_start=start,
        period_end=end,
    )
