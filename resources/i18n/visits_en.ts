<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>VisitDialog</name>
    <message numerus="yes">
        <source>%n amendment(s)</source>
        <translation>
            <numerusform>%n amendment</numerusform>
            <numerusform>%n amendments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n thing(s) missing or wrong: see the fields marked in red.</source>
        <translation>
            <numerusform>%n thing is missing or wrong: see the field marked in red.</numerusform>
            <numerusform>%n things are missing or wrong: see the fields marked in red.</numerusform>
        </translation>
    </message>
</context>
</TS>
