<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ConflictsView</name>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="54"/>
        <location filename="../../crm/ui/sync/page.py" line="27"/>
        <source>Sync conflicts</source>
        <translation>同步冲突</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="63"/>
        <source>Changes head office merged with later ones or did not apply. Nothing is lost: compare both versions and choose.</source>
        <translation>总行与更晚的修改合并或未采纳的改动。不会丢失任何内容：请对比两个版本后选择。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="73"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="73"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="73"/>
        <source>What happened</source>
        <translation>情况</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="87"/>
        <source>Your version</source>
        <translation>您的版本</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="88"/>
        <source>Head office&apos;s version</source>
        <translation>总行的版本</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="95"/>
        <source>Keep head office&apos;s version</source>
        <translation>采用总行版本</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="96"/>
        <source>Send mine again</source>
        <translation>重新提交我的修改</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="97"/>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="105"/>
        <source>No conflicts: everything you changed reached head office.</source>
        <translation>没有冲突：您的所有修改均已送达总行。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="162"/>
        <source>(not shown: not in your book)</source>
        <translation>（不显示：不在您的客户名单中）</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="171"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="172"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="173"/>
        <source>USCC</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="174"/>
        <source>Legal representative / owner</source>
        <translation>法定代表人 / 经营者</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="175"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="176"/>
        <source>Address</source>
        <translation>详细地址</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="177"/>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="178"/>
        <source>Street / town</source>
        <translation>街道 / 镇</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="179"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="180"/>
        <source>Registered capital</source>
        <translation>注册资本</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="181"/>
        <source>Established on</source>
        <translation>成立日期</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="182"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="183"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="184"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="185"/>
        <source>Last contact</source>
        <translation>最近联系</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="186"/>
        <source>Next visit due</source>
        <translation>下次走访日期</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="187"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="188"/>
        <source>Stage changed at</source>
        <translation>阶段变更时间</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="189"/>
        <source>Created at</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="190"/>
        <source>Updated at</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="191"/>
        <source>From stage</source>
        <translation>原阶段</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="192"/>
        <source>To stage</source>
        <translation>目标阶段</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="193"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="194"/>
        <source>Reason in words</source>
        <translation>原因说明</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="207"/>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="207"/>
        <source>Individual</source>
        <translation>个体工商户</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="215"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="215"/>
        <source>No</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="44"/>
        <source>Sign in to head office</source>
        <translation>登录总行</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="51"/>
        <source>Register this computer with head office once; after that it syncs by itself whenever it is online. Your password is not stored.</source>
        <translation>只需在总行登记本机一次，之后联网时会自动同步。不会保存您的密码。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="64"/>
        <source>Head office address</source>
        <translation>总行服务地址</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="65"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="66"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="77"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="92"/>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="121"/>
        <source>Sign-in failed: {detail}</source>
        <translation>登录失败：{detail}</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="65"/>
        <source>Not connected to head office</source>
        <translation>未连接总行</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="66"/>
        <source>Sign in to head office to sync this book</source>
        <translation>登录总行以同步本机数据</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="77"/>
        <source>Syncing… {done}/{total}</source>
        <translation>正在同步… {done}/{total}</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="84"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="85"/>
        <source>Sending changes to head office and receiving theirs</source>
        <translation>正在向总行发送修改并接收总行数据</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="89"/>
        <source>Offline ({count} changes waiting)</source>
        <translation>离线（{count} 项修改待发送）</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="93"/>
        <source>Changes are kept on this computer and sent when back online.</source>
        <translation>修改保存在本机，恢复联网后发送。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="97"/>
        <source>Sync failed</source>
        <translation>同步失败</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="104"/>
        <source>{count} conflicts</source>
        <translation>{count} 个冲突</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="113"/>
        <source>Last sync: never</source>
        <translation>上次同步：从未</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="116"/>
        <source>Synced at {time}</source>
        <translation>已同步于 {time}</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/indicator.py" line="120"/>
        <source>Click to sync with head office now</source>
        <translation>点击立即与总行同步</translation>
    </message>
</context>
</TS>
