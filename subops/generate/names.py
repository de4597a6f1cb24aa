"""Name parts and code mappings that are not in the seeds (they are not code lists of the contract)."""
from __future__ import annotations

# Common Chinese surnames, most frequent first (the generator draws them Zipf-like).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林博文晨阳峰建国志海东亮成家子睿轩然皓泽昊毅翔振"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲燕婷雪慧莹颖琳晶倩洁梅兰红玉萍琴佳怡欣悦雨涵诗梦思瑶婧蕾月露妍薇彤璐"

# First four digits of the PRC administrative division code (GB/T 2260) of each city,
# keyed by its telephone area code as used in seeds/reference/regions.csv.
# A region that is not listed here gets a stable made-up prefix (see reference.py).
AREA_TO_DIVISION = {
    "0571": "3301", "0574": "3302", "0577": "3303", "0573": "3304", "0572": "3305",
    "0575": "3306", "0579": "3307", "0570": "3308", "0580": "3309", "0576": "3310",
    "0578": "3311",
}
# County/district suffixes used for the 6-digit cert_id prefix.
DISTRICT_SUFFIXES = ("02", "03", "04", "05", "06", "08", "09", "10", "21", "22", "23", "24", "81", "82", "83")

# China Mobile number prefixes.
MSISDN_PREFIXES = ("134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158",
                   "159", "178", "182", "183", "184", "187", "188", "198")


def sql_list(items) -> str:
    """A DuckDB list literal of strings."""
    return "[" + ", ".join("'" + str(s).replace("'", "''") + "'" for s in items) + "]"
