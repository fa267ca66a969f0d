import json, sys
text = open(sys.argv[1]).read()
doc = json.JSONDecoder().raw_decode(text.lstrip())[0]
for r in doc["runs"][0]["results"]:
    region = r["locations"][0]["physicalLocation"]["region"]
    print(r["level"], "%d:%d" % (region["startLine"], region["startColumn"]), r["message"]["text"])
