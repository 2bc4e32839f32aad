<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ImportPage</name>
    <message numerus="yes">
        <source>%n rejected row(s) saved to {path}.</source>
        <translation>
            <numerusform>%n rejected row saved to {path}.</numerusform>
            <numerusform>%n rejected rows saved to {path}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PreviewPage</name>
    <message numerus="yes">
        <source>%Ln row(s) in the file were checked.</source>
        <translation>
            <numerusform>%Ln row in the file was checked.</numerusform>
            <numerusform>%Ln rows in the file were checked.</numerusform>
        </translation>
    </message>
</context>
</TS>
