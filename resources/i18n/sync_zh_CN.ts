<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ConflictsView</name>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="50"/>
        <location filename="../../crm/ui/sync/page.py" line="31"/>
        <source>Sync conflicts</source>
        <translation>同步冲突</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="59"/>
        <source>Changes head office merged with later ones or did not apply. Nothing is lost: compare both versions and choose.</source>
        <translation>总行与更晚的修改合并或未采纳的改动。不会丢失任何内容：请对比两个版本后选择。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="69"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="69"/>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="69"/>
        <source>What happened</source>
        <translation>情况</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="83"/>
        <source>Your version</source>
        <translation>您的版本</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="84"/>
        <source>Head office&apos;s version</source>
        <translation>总行的版本</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="91"/>
        <source>Keep head office&apos;s version</source>
        <translation>采用总行版本</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="92"/>
        <source>Send mine again</source>
        <translation>重新提交我的修改</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="93"/>
        <source>Dismiss</source>
        <translation>忽略</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="101"/>
        <source>No conflicts: everything you changed reached head office.</source>
        <translation>没有冲突：您的所有修改均已送达总行。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="157"/>
        <source>(not shown: not in your book)</source>
        <translation>（不显示：不在您的客户名单中）</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="166"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="167"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="168"/>
        <source>USCC</source>
        <translation>统一社会信用代码</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="169"/>
        <source>Legal representative / owner</source>
        <translation>法定代表人 / 经营者</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="170"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="171"/>
        <source>Address</source>
        <translation>详细地址</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="172"/>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="173"/>
        <source>Street / town</source>
        <translation>街道 / 镇</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="174"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="175"/>
        <source>Registered capital</source>
        <translation>注册资本</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="176"/>
        <source>Established on</source>
        <translation>成立日期</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="177"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="178"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="179"/>
        <source>Sources</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="180"/>
        <source>Last contact</source>
        <translation>最近联系</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="181"/>
        <source>Next visit due</source>
        <translation>下次走访日期</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="182"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="183"/>
        <source>Stage changed at</source>
        <translation>阶段变更时间</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="184"/>
        <source>Created at</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="185"/>
        <source>Updated at</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="186"/>
        <source>From stage</source>
        <translation>原阶段</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="187"/>
        <source>To stage</source>
        <translation>目标阶段</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="188"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="189"/>
        <source>Reason in words</source>
        <translation>原因说明</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="202"/>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="202"/>
        <source>Individual</source>
        <translation>个体工商户</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="210"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/conflicts.py" line="210"/>
        <source>No</source>
        <translation>否</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="42"/>
        <source>Sign in to head office</source>
        <translation>登录总行</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="48"/>
        <source>Register this computer with head office once; after that it syncs by itself whenever it is online. Your password is not stored.</source>
        <translation>只需在总行登记本机一次，之后联网时会自动同步。不会保存您的密码。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="61"/>
        <source>Head office address</source>
        <translation>总行服务地址</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="62"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="63"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="74"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="89"/>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/sign_in.py" line="114"/>
        <source>Sign-in failed: {detail}</source>
        <translation>登录失败：{detail}</translation>
    </message>
</context>
<context>
    <name>SyncConnection</name>
    <message>
        <location filename="../../crm/ui/sync/connection.py" line="16"/>
        <source>Nowhere yet: this computer is not signed in to head office.</source>
        <translation>尚未保存：这台电脑还没有登录总行。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/connection.py" line="20"/>
        <source>In the system keyring (the operating system&apos;s password store).</source>
        <translation>保存在系统钥匙串中（操作系统的密码库）。</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/connection.py" line="23"/>
        <source>In a file only your user account can read (this computer has no system keyring): {path}</source>
        <translation>保存在只有您的用户账户可以读取的文件中（这台电脑没有系统钥匙串）：{path}</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/connection.py" line="42"/>
        <source>Head office:</source>
        <translation>总行：</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/connection.py" line="43"/>
        <source>Signed in as:</source>
        <translation>登录用户：</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/connection.py" line="44"/>
        <source>Device token:</source>
        <translation>设备令牌：</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/connection.py" line="58"/>
        <source>not set up</source>
        <translation>尚未设置</translation>
    </message>
    <message>
        <location filename="../../crm/ui/sync/connection.py" line="63"/>
        <source>not signed in</source>
        <translation>未登录</translation>
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
